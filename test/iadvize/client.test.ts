// The iAdvize client against the emulator: one round trip, pagination, token reuse,
// one re-login on a refused token, retries, typed GraphQL errors, the sd platform.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { IadvizeClient, IadvizeGraphQLError } from "../../src/iadvize/client.ts";
import { ContractError } from "../../src/lib/contract-error.ts";
import { login } from "../../src/iadvize/login.ts";
import type { Credentials } from "../../src/iadvize/login.ts";
import { forgetTokens, getToken } from "../../src/secrets/token-cache.ts";
import type { RetryPolicy } from "../../src/lib/retry.ts";
import { UpstreamError } from "../../src/lib/upstream-error.ts";
import type { Platform } from "../../src/events/schema.ts";
import type { SeedConversation } from "../emulators/iadvize/seed.ts";
import { addMessages, expireTokens, newUser, seedConversation, setFaults, setSchemaVariant, stats } from "../helpers/iadvize.ts";

/** The messages as the connector reads them: a system message is named by its attachments (the public schema shows no text). */
const asRead = (seeded: SeedConversation) =>
  seeded.messages.map((m) => (m.role === "system" ? { role: m.role, text: "[ConversationPushedSystemAttachment]", createdAt: m.createdAt } : m));

const noSleep = async () => undefined;
const retry = { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init), sleep: noSleep };

function client(tenantId: string, credentials: Credentials, opts: { platform?: Platform; retryPolicy?: RetryPolicy; pageSize?: number } = {}) {
  const baseUrl = env.IADVIZE_API_URL ?? "";
  const deps = { db: env.DB, keys: [env.ENCRYPTION_KEY ?? ""], now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)), login: () => login(retry, baseUrl, credentials) };
  return new IadvizeClient({
    baseUrl,
    platform: opts.platform ?? "ha",
    retry,
    ...(opts.retryPolicy ? { retryPolicy: opts.retryPolicy } : {}),
    ...(opts.pageSize ? { pageSize: opts.pageSize } : {}),
    token: async (rejected) => (await getToken("iadvize", deps, tenantId, rejected)).token,
  });
}

let tenant: string;
beforeEach(() => {
  tenant = `ha-${Math.floor(Math.random() * 1e9)}`;
  forgetTokens();
});

describe("IadvizeClient", () => {
  it("reads the conversation, its visitor, custom data and messages in one round trip", async () => {
    const user = await newUser();
    const seeded = await seedConversation();
    const c = await client(tenant, user).conversation(seeded.id);
    expect(c).toMatchObject({ id: seeded.id, channel: "CHAT", visitor: { firstName: "Jane", city: "Nantes" } });
    expect(c?.customData).toEqual({ cust_name: "Jane Doe", cart_amount: 0, returning_visitor: true });
    expect(c?.messages).toEqual(asRead(seeded));
    expect(c?.unknownMessages).toEqual({ count: 0, types: [] });
    expect((await stats(user.username)).graphql).toBe(1);
  });

  it("reads only the messages after a cursor, over pages, and keeps the cursor when nothing is new", async () => {
    const user = await newUser();
    const seeded = await seedConversation({ closedAt: null }, 39);
    const reader = client(tenant, user, { pageSize: 20 });
    const first = await reader.conversationAfter(seeded.id, null);
    expect(first?.data.messages).toEqual(asRead(seeded));
    const more = Array.from({ length: 25 }, (_, i) => ({ role: "visitor" as const, text: `later ${i}`, createdAt: new Date(Date.UTC(2026, 10, 21, 10, 0, i)).toISOString() }));
    await addMessages(seeded.id, more);
    const before = await stats(user.username);
    const next = await reader.conversationAfter(seeded.id, first?.cursor ?? null);
    expect(next?.data.messages).toEqual(more);
    expect(await stats(user.username)).toMatchObject({ graphql: before.graphql + 2, messages: before.messages + 25 });
    const idle = await reader.conversationAfter(seeded.id, next?.cursor ?? null);
    expect(idle?.data.messages).toEqual([]);
    expect(idle?.cursor).toBe(next?.cursor);
    expect(idle?.cursor).not.toBeNull();
  });

  it("follows every page of a long conversation", async () => {
    const user = await newUser();
    const seeded = await seedConversation({}, 239);
    const c = await client(tenant, user).conversation(seeded.id);
    expect(c?.messages).toHaveLength(250);
    expect(c?.messages).toEqual(asRead(seeded));
    expect((await stats(user.username)).graphql).toBe(3);
  });

  it("logs in once for many conversations, and once for concurrent requests", async () => {
    const user = await newUser();
    const ids = await Promise.all(Array.from({ length: 5 }, () => seedConversation().then((c) => c.id)));
    const api = client(tenant, user);
    await Promise.all(ids.map((id) => api.conversation(id)));
    for (const id of ids) await api.conversation(id);
    expect((await stats(user.username)).logins).toBe(1);
  });

  it("shares the token through D1 with other isolates", async () => {
    const user = await newUser();
    const seeded = await seedConversation();
    await client(tenant, user).conversation(seeded.id);
    forgetTokens(); // as a fresh isolate would start
    await client(tenant, user).conversation(seeded.id);
    expect((await stats(user.username)).logins).toBe(1);
  });

  it("logs in again, once, when iAdvize refuses the token", async () => {
    const user = await newUser();
    const seeded = await seedConversation();
    const api = client(tenant, user);
    await api.conversation(seeded.id);
    await expireTokens(user.username);
    expect((await api.conversation(seeded.id))?.id).toBe(seeded.id);
    expect((await stats(user.username)).logins).toBe(2);
  });

  it("retries 5xx answers", async () => {
    const user = await newUser();
    const seeded = await seedConversation();
    await client(tenant, user).conversation(seeded.id); // logged in
    await setFaults(user.username, { fail5xx: 2 });
    expect((await client(tenant, user).conversation(seeded.id))?.id).toBe(seeded.id);
    expect((await stats(user.username)).graphql).toBe(4);
  });

  it("gives up after the retries with a retryable error", async () => {
    const user = await newUser();
    const seeded = await seedConversation();
    await setFaults(user.username, { fail5xx: 5 });
    const err = await client(tenant, user).conversation(seeded.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ service: "iadvize", code: "unavailable", retryable: true, status: 503 });
  });

  it("retries a timed-out request", async () => {
    const user = await newUser();
    const seeded = await seedConversation();
    await setFaults(user.username, { slowMs: 1500, slowCount: 1 });
    const api = client(tenant, user, { retryPolicy: { attempts: 3, baseDelayMs: 10, maxDelayMs: 10, timeoutMs: 500 } });
    expect((await api.conversation(seeded.id))?.id).toBe(seeded.id);
  });

  it("reports GraphQL errors as typed errors naming the operation", async () => {
    const user = await newUser();
    const seeded = await seedConversation();
    await setFaults(user.username, { graphqlErrors: 1 });
    const err = await client(tenant, user).conversation(seeded.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IadvizeGraphQLError);
    expect(err).toMatchObject({ operation: "ConversationForCrm", codes: ["INTERNAL_SERVER_ERROR"], retryable: true });
  });

  it("asks the sd platform for sd projects", async () => {
    const user = await newUser();
    const seeded = await seedConversation({ platform: "sd" });
    expect(await client(tenant, user).conversation(seeded.id)).toBeNull();
    expect((await client(`sd-${Math.floor(Math.random() * 1e9)}`, user, { platform: "sd" }).conversation(seeded.id))?.id).toBe(seeded.id);
  });

  it("answers null for a conversation iAdvize does not know", async () => {
    const user = await newUser();
    expect(await client(tenant, user).conversation(crypto.randomUUID())).toBeNull();
  });

  it("refuses wrong credentials as a final error", async () => {
    const err = await client(tenant, { username: "nobody@acme.example", password: "x" }).conversation(crypto.randomUUID()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "auth_failed", retryable: false });
  });

  it("reports the login limit as retryable, and stays under it by sharing the token", async () => {
    const user = await newUser();
    for (let i = 0; i < 10; i++) await login(retry, env.IADVIZE_API_URL ?? "", user);
    const err = await login(retry, env.IADVIZE_API_URL ?? "", user).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "login_rate_limited", retryable: true, status: 429 });
  });

  it("a login answered 429 is not tried again: one refused login, no wait, the tenant's hold does the waiting", async () => {
    const user = await newUser();
    await setFaults(user.username, { loginsRefused: true });
    const waits: number[] = [];
    const deps = { ...retry, sleep: async (ms: number) => void waits.push(ms) };
    const err = await login(deps, env.IADVIZE_API_URL ?? "", user).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "login_rate_limited", retryable: true, status: 429 });
    expect((await stats(user.username)).rejectedLogins).toBe(1);
    expect(waits).toEqual([]);
  });
});

describe("IadvizeClient against a live schema that differs from the connector's", () => {
  async function refusal(variant: Parameters<typeof setSchemaVariant>[1], faults = {}) {
    const user = await newUser();
    const seeded = await seedConversation();
    await setSchemaVariant(user.username, variant);
    await setFaults(user.username, faults);
    return client(tenant, user).conversation(seeded.id).catch((e: unknown) => e);
  }

  it("a field removed: a ContractError naming Type.field, not a conversation's failure", async () => {
    const err = await refusal({ removeFields: ["Visitor.email", "Conversation.language"] });
    expect(err).toBeInstanceOf(ContractError);
    expect(err).toMatchObject({ problem: "iadvize_schema_mismatch", paths: ["Conversation.language", "Visitor.email"] });
  });

  it("a field renamed: the old name is the path", async () => {
    expect(await refusal({ renameFields: { "Visitor.firstName": "givenName" } })).toMatchObject({ problem: "iadvize_schema_mismatch", paths: ["Visitor.firstName"] });
  });

  it("a message type under another name: the type the connector expects is the path", async () => {
    expect(await refusal({ renameTypes: { BotMessage: "AutomatedMessage" } })).toMatchObject({ problem: "iadvize_schema_mismatch", paths: ["BotMessage"] });
  });

  it("validation errors without graphql-js's wording: the paths come from the introspected live schema", async () => {
    const err = await refusal({ removeFields: ["Visitor.phoneNumber"], renameTypes: { OperatorMessage: "AgentMessage" } }, { opaqueValidation: true });
    expect(err).toMatchObject({ problem: "iadvize_schema_mismatch", paths: ["OperatorMessage", "Visitor.phoneNumber"] });
  });

  it("a message of a type the connector does not know is counted, never read as a system message", async () => {
    const user = await newUser();
    const seeded = await seedConversation();
    const card = { role: "bot" as const, type: "CardMessage", text: "[](Q2) pick one", createdAt: "2026-11-20T09:20:00.000Z" };
    const withCard = await seedConversation({ messages: [...seeded.messages, card] });
    await setSchemaVariant(user.username, { addMessageTypes: ["CardMessage"] });
    const c = await client(tenant, user).conversation(withCard.id);
    expect(c?.unknownMessages).toEqual({ count: 1, types: ["CardMessage"] });
    expect(c?.messages).toEqual(asRead(seeded));
  });

  it("reads as before once the schema is right again", async () => {
    const user = await newUser();
    const seeded = await seedConversation();
    await setSchemaVariant(user.username, { removeFields: ["Visitor.email"] });
    expect(await client(tenant, user).conversation(seeded.id).catch((e: unknown) => e)).toBeInstanceOf(ContractError);
    await setSchemaVariant(user.username, null);
    expect((await client(tenant, user).conversation(seeded.id))?.messages).toEqual(asRead(seeded));
  });
});
