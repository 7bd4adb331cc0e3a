// What happens after the 200: duplicates, unknown tenants, processing from the queue.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { admin, tenantBody } from "../helpers/admin.ts";
import { waitFor } from "../helpers/wait.ts";
import { fresh, sendEvent } from "../helpers/webhook.ts";
import { uniqueProjectId } from "../helpers/ids.ts";

function eventRow(eventId: string) {
  return env.DB.prepare("SELECT status, tenant_id FROM events WHERE event_id = ?")
    .bind(eventId)
    .first<{ status: string; tenant_id: string }>();
}

function statusBecomes(eventId: string, status: string) {
  return waitFor(async () => (await eventRow(eventId))?.status === status, { what: `event ${status}` });
}

describe("duplicates", () => {
  it("a retried delivery (same eventId) is kept once and processed once", async () => {
    const projectId = uniqueProjectId();
    expect((await admin("PUT", `/tenants/ha-${projectId}`, tenantBody())).status).toBe(201);
    const event = fresh(fixtures.conversationClosed, { projectId });
    for (let i = 0; i < 3; i++) expect((await sendEvent(event)).status).toBe(200);
    await statusBecomes(event.eventId, "processed");
    const { n } = (await env.DB.prepare("SELECT COUNT(*) AS n FROM events WHERE event_id = ?").bind(event.eventId).first<{ n: number }>())!;
    expect(n).toBe(1);
  });
});

describe("tenants not configured yet", () => {
  it("keeps the event, and processes it once the tenant is configured", async () => {
    const projectId = uniqueProjectId();
    const tenantId = `ha-${projectId}`;
    const event = fresh(fixtures.conversationClosed, { projectId, conversationId: crypto.randomUUID() });
    const res = await sendEvent(event);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "accepted" });
    await statusBecomes(event.eventId, "awaiting_tenant");

    const put = await admin("PUT", `/tenants/${tenantId}`, tenantBody());
    expect(put.status).toBe(201);
    expect(await put.json()).toMatchObject({ releasedEvents: 1 });
    await statusBecomes(event.eventId, "processed");

    const conversation = await env.DB.prepare(
      "SELECT status, operator_ids FROM conversations WHERE tenant_id = ? AND conversation_id = ?",
    )
      .bind(tenantId, event.conversationId)
      .first<{ status: string; operator_ids: string }>();
    expect(conversation?.status).toBe("closed");
    expect(JSON.parse(conversation?.operator_ids ?? "[]")).toEqual([45012, 45013]);
  });
});

describe("processing", () => {
  it("builds the conversation from its events, closed staying closed whatever the order", async () => {
    const projectId = uniqueProjectId();
    const tenantId = `sd-${projectId}`;
    expect((await admin("PUT", `/tenants/${tenantId}`, tenantBody())).status).toBe(201);
    const conversationId = crypto.randomUUID();
    const common = { projectId, platform: "sd" as const, conversationId };
    const closed = fresh(fixtures.conversationClosed, common);
    const pushed = fresh(fixtures.conversationPushed, { ...common, operatorId: 777 });
    const satisfaction = fresh(fixtures.satisfactionAnswered, common);
    const transaction = fresh(fixtures.transactionAttributed, common);

    for (const e of [closed, satisfaction, transaction, transaction, pushed]) await sendEvent(e);
    for (const e of [closed, satisfaction, transaction, pushed]) await statusBecomes(e.eventId, "processed");

    const row = await env.DB.prepare("SELECT * FROM conversations WHERE tenant_id = ? AND conversation_id = ?")
      .bind(tenantId, conversationId)
      .first<Record<string, string>>();
    expect(row?.status).toBe("closed");
    expect(row?.started_at).toBe(pushed.createdAt);
    expect(row?.closed_at).toBe(closed.createdAt);
    expect(JSON.parse(row?.operator_ids ?? "[]").sort()).toEqual([777, 45012, 45013].sort());
    expect(JSON.parse(row?.satisfaction ?? "{}")).toMatchObject({ customerSatisfaction: 5 });
    expect(JSON.parse(row?.transactions ?? "[]")).toHaveLength(1);
  });
});
