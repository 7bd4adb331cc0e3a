// The iAdvize emulator's closedConversations, as the public reference describes it: a
// required interval, the project, channel, conversation and visitor filters, Relay pages.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { uniqueProjectId } from "../helpers/ids.ts";
import { newUser } from "../helpers/iadvize.ts";
import { seedConversation } from "../helpers/iadvize.ts";
import { CAR_DEALER } from "./iadvize/seed.ts";

const QUERY = `query Q($from: DateTime!, $to: DateTime!, $filters: ClosedConversationsFilters, $first: Int, $after: String) {
  closedConversations(interval: { from: $from, to: $to }, filters: $filters, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id closedAt } }
  }
}`;

async function client() {
  const user = await newUser();
  const res = await fetch(`${env.IADVIZE_API_URL}/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...user, grant_type: "password" }).toString(),
  });
  const { access_token } = (await res.json()) as { access_token: string };
  return async (variables: Record<string, unknown>) => {
    const r = await fetch(`${env.IADVIZE_API_URL}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${access_token}` },
      body: JSON.stringify({ query: QUERY, variables }),
    });
    return (await r.json()) as { data: { closedConversations: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string; closedAt: string } }[] } } | null; errors?: { extensions: { code: string } }[] };
  };
}

describe("iAdvize emulator: closedConversations", () => {
  it("keeps to the interval [from, to) and the filters, oldest closed first, in pages", async () => {
    const project = uniqueProjectId();
    const at = (iso: string, over: Record<string, unknown> = {}) => seedConversation({ projectId: project, closedAt: iso, visitor: { ...CAR_DEALER.visitor, id: crypto.randomUUID() }, ...over });
    const a = await at("2026-05-01T00:00:00.000Z");
    const b = await at("2026-05-02T00:00:00.000Z", { channel: "SMS" });
    const c = await at("2026-05-01T12:00:00.000Z");
    await at("2026-05-03T00:00:00.000Z");
    await seedConversation({ projectId: uniqueProjectId(), closedAt: "2026-05-01T06:00:00.000Z" });
    const q = await client();
    const range = { from: "2026-05-01T00:00:00.000Z", to: "2026-05-03T00:00:00.000Z", filters: { projectIds: [project] } };
    const ids = (r: Awaited<ReturnType<typeof q>>) => r.data?.closedConversations.edges.map((e) => e.node.id);

    expect(ids(await q(range))).toEqual([a.id, c.id, b.id]);
    const first = await q({ ...range, first: 2 });
    expect(ids(first)).toEqual([a.id, c.id]);
    expect(first.data?.closedConversations.pageInfo.hasNextPage).toBe(true);
    const second = await q({ ...range, first: 2, after: first.data?.closedConversations.pageInfo.endCursor });
    expect(ids(second)).toEqual([b.id]);
    expect(second.data?.closedConversations.pageInfo.hasNextPage).toBe(false);

    expect(ids(await q({ ...range, filters: { projectIds: [project], channels: ["SMS"] } }))).toEqual([b.id]);
    expect(ids(await q({ ...range, filters: { projectIds: [project], conversationId: c.id } }))).toEqual([c.id]);
    expect(ids(await q({ ...range, filters: { projectIds: [project], conversationVisitorIds: [a.visitor.id] } }))).toEqual([a.id]);
    const backwards = await q({ from: range.to, to: range.from, filters: range.filters });
    expect(backwards.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
  });
});
