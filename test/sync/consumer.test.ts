// The queue consumers, driven with message batches: ack, retry with backoff, dead letters.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { insertEvent } from "../../src/events/store.ts";
import { KnownEvent } from "../../src/webhooks/events.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { admin, tenantBody } from "../helpers/admin.ts";
import { fresh } from "../helpers/webhook.ts";

async function stored(overrides: Record<string, unknown> = {}) {
  const event = KnownEvent.parse(fresh(fixtures.conversationClosed, { conversationId: crypto.randomUUID(), ...overrides }));
  const tenantId = `${event.platform}-${event.projectId}`;
  await insertEvent(env.DB, { event, tenantId, correlationId: undefined, deliveryId: undefined, receivedAt: new Date() });
  return { eventId: event.eventId, tenantId };
}

async function run(queue: string, bodies: unknown[], attempts = 1) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts, body })),
  );
  // getQueueResult does not report the delay asked for, so the retries are watched too.
  const delays = batch.messages.map((m) => vi.spyOn(m, "retry"));
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
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

  it("acks a message for an event already processed, without doing it again", async () => {
    const projectId = 900002;
    await admin("PUT", `/tenants/ha-${projectId}`, tenantBody());
    const a = await stored({ projectId });
    await run("conversation-work", [a]);
    const again = await run("conversation-work", [a, a]);
    expect(again.explicitAcks.sort()).toEqual(["m0", "m1"]);
    expect(again.retryMessages).toEqual([]);
  });

  it("parks the events of an unconfigured tenant", async () => {
    const a = await stored({ projectId: 900003 });
    const result = await run("conversation-work", [a]);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect((await statusOf(a.eventId))?.status).toBe("awaiting_tenant");
  });

  it("acks what it can never process: a malformed message, an event not in D1", async () => {
    const result = await run("conversation-work", [{ nope: true }, { eventId: "missing", tenantId: "ha-1" }]);
    expect(result.explicitAcks.sort()).toEqual(["m0", "m1"]);
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
});
