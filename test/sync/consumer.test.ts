// The queue consumers, driven with message batches: ack, retry with backoff, dead letters.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { insertEvent } from "../../src/events/store.ts";
import { KnownEvent } from "../../src/events/schema.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { admin, tenantBody } from "../helpers/admin.ts";
import { fresh } from "../helpers/webhook.ts";
import { uniqueProjectId } from "../helpers/ids.ts";

async function stored(overrides: Record<string, unknown> = {}) {
  const event = KnownEvent.parse(fresh(fixtures.conversationClosed, { conversationId: crypto.randomUUID(), ...overrides }));
  const tenantId = `${event.platform}-${event.projectId}`;
  await insertEvent(env.DB, { event, tenantId, correlationId: undefined, deliveryId: undefined, receivedAt: new Date() });
  return { kind: "stored", eventId: event.eventId, tenantId };
}

/** A queue message as the intake writes it: the event itself, not yet in D1. */
function incoming(overrides: Record<string, unknown> = {}, correlationId: string | null = null) {
  const event = KnownEvent.parse(fresh(fixtures.conversationClosed, { conversationId: crypto.randomUUID(), ...overrides }));
  return {
    kind: "event",
    tenantId: `${event.platform}-${event.projectId}`,
    event,
    correlationId,
    deliveryId: null,
    receivedAt: new Date().toISOString(),
  };
}

async function run(queue: string, bodies: unknown[], attempts = 1, workerEnv: typeof env = env) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts, body })),
  );
  // getQueueResult does not report the delay asked for, so the retries are watched too.
  const delays = batch.messages.map((m) => vi.spyOn(m, "retry"));
  const ctx = createExecutionContext();
  await worker.queue(batch, workerEnv);
  const result = await getQueueResult(batch, ctx);
  return { ...result, retryDelays: delays.flatMap((spy) => spy.mock.calls.map(([opts]) => opts?.delaySeconds)) };
}

const statusOf = (eventId: string) =>
  env.DB.prepare("SELECT status, last_error FROM events WHERE event_id = ?").bind(eventId).first<{ status: string; last_error: string | null }>();

describe("conversation queue consumer", () => {
  it("processes the events of a configured tenant and acks them", async () => {
    const projectId = 900001;
    await admin("PUT", `/tenants/ha-${projectId}`, tenantBody());
    const a = await stored({ projectId });
    const b = await stored({ projectId });
    const result = await run("conversation-work", [a, b]);
    expect(result.explicitAcks.sort()).toEqual(["m0", "m1"]);
    expect((await statusOf(a.eventId))?.status).toBe("processed");
  });

  it("records a new event once and processes it once, however often it is delivered", async () => {
    const projectId = uniqueProjectId();
    await admin("PUT", `/tenants/ha-${projectId}`, tenantBody());
    // The syncs it asks for are kept here: a live sync run would touch the rows watched below.
    const syncs: unknown[] = [];
    const held = { ...env, SYNC_QUEUE: { send: async (b: unknown) => void syncs.push(b), sendBatch: async (bs: Iterable<{ body: unknown }>) => void syncs.push(...[...bs].map((b) => b.body)) } } as unknown as typeof env;
    const m = incoming({ projectId });
    const first = await run("conversation-work", [m, m], 1, held);
    expect(first.explicitAcks.sort()).toEqual(["m0", "m1"]);
    expect(syncs.length).toBeGreaterThan(0);
    // Marks that any write of the rows would replace.
    await env.DB.prepare("UPDATE events SET updated_at = 'untouched' WHERE event_id = ?").bind(m.event.eventId).run();
    await env.DB.prepare("UPDATE conversations SET updated_at = 'untouched' WHERE conversation_id = ?").bind(m.event.conversationId).run();

    // iAdvize retries: the same event arrives again, later. Nothing is written.
    const again = await run("conversation-work", [m], 1, held);
    expect(again.explicitAcks).toEqual(["m0"]);
    expect(await env.DB.prepare("SELECT updated_at FROM events WHERE event_id = ?").bind(m.event.eventId).first<string>("updated_at")).toBe("untouched");
    expect(await env.DB.prepare("SELECT updated_at FROM conversations WHERE conversation_id = ?").bind(m.event.conversationId).first<string>("updated_at")).toBe("untouched");
  });

  it("treats an event whose correlation id is already known as a duplicate", async () => {
    const correlationId = crypto.randomUUID();
    const a = incoming({ projectId: 900006 }, correlationId);
    const b = incoming({ projectId: 900006 }, correlationId);
    const result = await run("conversation-work", [a, b]);
    expect(result.explicitAcks.sort()).toEqual(["m0", "m1"]);
    const { n } = (await env.DB.prepare("SELECT COUNT(*) AS n FROM events WHERE correlation_id = ?").bind(correlationId).first<{ n: number }>())!;
    expect(n).toBe(1);
  });

  it("parks the events of an unconfigured tenant", async () => {
    const a = await stored({ projectId: 900003 });
    const result = await run("conversation-work", [a]);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect((await statusOf(a.eventId))?.status).toBe("awaiting_tenant");
  });

  it("acks what it can never process: a malformed message, an event not in D1", async () => {
    const result = await run("conversation-work", [{ nope: true }, { kind: "stored", eventId: "missing", tenantId: "ha-1" }]);
    expect(result.explicitAcks.sort()).toEqual(["m0", "m1"]);
  });

  it("logs one events.received line per batch with each new event's id and request id, and refuses a request id that is not a short string", async () => {
    const info = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const a = { ...incoming(), requestId: "req-a" };
    const b = incoming();
    const bad = { ...incoming(), requestId: 42 };
    const tooLong = { ...incoming(), requestId: "r".repeat(129) };
    await run("conversation-work", [a, b, bad, tooLong]);
    const lines = info.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>).filter((l) => l.event === "events.received" && JSON.stringify(l.events).includes(a.event.eventId));
    expect(lines).toEqual([{ level: "info", event: "events.received", count: 2, events: [{ eventId: a.event.eventId, requestId: "req-a" }, { eventId: b.event.eventId }] }]);
    const malformed = error.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>).filter((l) => l.event === "queue.malformed_message" && l.queue === "conversation-work");
    expect(malformed.map((l) => l.messageId)).toEqual(expect.arrayContaining(["m2", "m3"]));
    info.mockRestore();
    error.mockRestore();
  });

  it("retries with exponential backoff when processing fails, recording the error", async () => {
    const projectId = 900004;
    await admin("PUT", `/tenants/ha-${projectId}`, tenantBody());
    const a = await stored({ projectId });
    // A payload that no longer parses makes processing fail the way a broken dependency would.
    await env.DB.prepare("UPDATE events SET payload = '{}' WHERE event_id = ?").bind(a.eventId).run();
    const result = await run("conversation-work", [a], 3);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([{ msgId: "m0" }]);
    expect(result.retryDelays).toEqual([8]);
    expect(await statusOf(a.eventId)).toEqual({ status: "received", last_error: "stored_event_invalid" });
  });
});

describe("dead-letter queue consumer", () => {
  it("marks the event dead and keeps it", async () => {
    const a = await stored({ projectId: 900005 });
    const result = await run("conversation-work-dlq", [a]);
    expect(result.ackAll).toBe(true);
    expect(await statusOf(a.eventId)).toEqual({ status: "dead", last_error: "retries_exhausted" });
  });

  it("keeps an event that never reached D1", async () => {
    const m = incoming({ projectId: 900007 });
    await run("conversation-work-dlq", [m]);
    expect(await statusOf(m.event.eventId)).toEqual({ status: "dead", last_error: "retries_exhausted" });
  });

  it("does not mark dead an event that was processed meanwhile", async () => {
    await admin("PUT", "/tenants/ha-900008", tenantBody());
    const a = await stored({ projectId: 900008 });
    await run("conversation-work", [a]);
    await run("conversation-work-dlq", [a]);
    expect((await statusOf(a.eventId))?.status).toBe("processed");
  });
});
