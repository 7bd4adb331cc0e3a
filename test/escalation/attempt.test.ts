// What an attempt leaves behind: a retry on escalation's own queue for an outage, and for
// a timeout a retry only where the platform recognises repeats, never a second call
// otherwise; the dead letters; the cron's safety net. Deadlines and timeouts are
// injected: no test waits for a real one.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { account, ask, direct, escalationTenant, received, row } from "../helpers/escalation.ts";
import { waitFor } from "../helpers/wait.ts";

async function deliver(queue: string, tenantId: string, escalationId: string, body: unknown = { tenantId, escalationId }) {
  const batch = createMessageBatch(queue, [{ id: "m0", timestamp: new Date(), attempts: 1, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

describe("escalation attempts", () => {
  it("an outage answers pending, queues a later attempt on escalation-work, and that attempt schedules the callback", async () => {
    const t = await escalationTenant();
    await account(t.account, { fail5xx: 1 });
    const send = vi.spyOn(env.ESCALATION_QUEUE, "send");
    const conversationSend = vi.spyOn(env.CONVERSATION_QUEUE, "send");
    const a = await ask(t.key, { phone: "0612345678" });
    expect(a.status).toBe("pending");
    expect(await row(a.escalationId)).toMatchObject({ status: "retrying", reason: "http_503", attempts: 1 });
    expect(send).toHaveBeenCalledWith({ tenantId: t.tenantId, escalationId: a.escalationId }, { delaySeconds: 30 });
    expect(conversationSend).not.toHaveBeenCalled();
    send.mockRestore();
    conversationSend.mockRestore();

    const result = await deliver("escalation-work", t.tenantId, a.escalationId ?? "");
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(await row(a.escalationId)).toMatchObject({ status: "scheduled", attempts: 2 });
    expect(await received(t.account)).toHaveLength(1);
    // A repeat of the message does nothing.
    await deliver("escalation-work", t.tenantId, a.escalationId ?? "");
    expect(await received(t.account)).toHaveLength(1);
  });

  it("the same message delivered twice at once makes one call", async () => {
    const t = await escalationTenant();
    await account(t.account, { fail5xx: 1 });
    const a = await ask(t.key, { phone: "0612345678" });
    await Promise.all([deliver("escalation-work", t.tenantId, a.escalationId ?? ""), deliver("escalation-work", t.tenantId, a.escalationId ?? "")]);
    expect(await received(t.account)).toHaveLength(1);
    expect(await row(a.escalationId)).toMatchObject({ status: "scheduled", attempts: 2 });
  });

  it("the bot's repeat during the retries still answers pending, then scheduled", async () => {
    const t = await escalationTenant();
    await account(t.account, { fail5xx: 1 });
    const a = await ask(t.key, { phone: "0612345678", conversationId: "c1" });
    expect((await ask(t.key, { phone: "0612345678", conversationId: "c1" })).status).toBe("pending");
    await deliver("escalation-work", t.tenantId, a.escalationId ?? "");
    expect((await ask(t.key, { phone: "0612345678", conversationId: "c1" })).status).toBe("scheduled");
  });

  it("the test runtime has escalation's queue and consumer from wrangler.toml: a message sent is consumed", async () => {
    const t = await escalationTenant();
    await account(t.account, { fail5xx: 1 });
    const a = await ask(t.key, { phone: "0612345678" });
    await env.ESCALATION_QUEUE.send({ tenantId: t.tenantId, escalationId: a.escalationId ?? "" });
    await waitFor(async () => (await row(a.escalationId))?.status === "scheduled", { what: "the escalation-work consumer" });
    expect(await received(t.account)).toHaveLength(1);
  });

  it("a platform that stays down: waits of 30, 60, 120, 240 s between calls, then failed after MAX_ATTEMPTS calls", async () => {
    const { MAX_ATTEMPTS } = await import("../../src/escalation/attempt.ts");
    const t = await escalationTenant();
    await account(t.account, { fail5xx: 100 });
    const send = vi.spyOn(env.ESCALATION_QUEUE, "send");
    const a = await ask(t.key, { phone: "0612345678" });
    for (let i = 1; i < MAX_ATTEMPTS; i++) await deliver("escalation-work", t.tenantId, a.escalationId ?? "");
    expect(send.mock.calls.map(([, opts]) => opts?.delaySeconds)).toEqual([30, 60, 120, 240]);
    send.mockRestore();
    expect(await row(a.escalationId)).toMatchObject({ status: "failed", reason: "http_503", attempts: MAX_ATTEMPTS });
  });

  it("the conversation queue no longer carries escalations", async () => {
    const t = await escalationTenant();
    await account(t.account, { fail5xx: 1 });
    const a = await ask(t.key, { phone: "0612345678" });
    const result = await deliver("conversation-work", t.tenantId, a.escalationId ?? "", { kind: "escalation", tenantId: t.tenantId, escalationId: a.escalationId });
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(await row(a.escalationId)).toMatchObject({ status: "retrying" });
    expect(await received(t.account)).toHaveLength(0);
  });
});

describe("escalation dead letters", () => {
  it("an escalation whose queued attempts are exhausted is failed, and the bot's repeat is told so", async () => {
    const t = await escalationTenant();
    await account(t.account, { fail5xx: 1 });
    const a = await ask(t.key, { phone: "0612345678", conversationId: "c-dead" });
    const result = await deliver("escalation-work-dlq", t.tenantId, a.escalationId ?? "");
    expect(result.explicitAcks.length + (result.ackAll ? 1 : 0)).toBeGreaterThan(0);
    expect(await row(a.escalationId)).toMatchObject({ status: "failed", reason: "retries_exhausted" });
    expect(await ask(t.key, { phone: "0612345678", conversationId: "c-dead" })).toMatchObject({ status: "rejected", reason: "provider_refused" });
    expect(await received(t.account)).toHaveLength(0);
  });

  it("leaves an escalation that got done meanwhile as it is", async () => {
    const t = await escalationTenant();
    const a = await ask(t.key, { phone: "0612345678" });
    expect(a.status).toBe("scheduled");
    await deliver("escalation-work-dlq", t.tenantId, a.escalationId ?? "");
    expect(await row(a.escalationId)).toMatchObject({ status: "scheduled", reason: null });
  });
});

describe("timeouts and deadlines (injected)", () => {
  it("a platform that cannot recognise repeats and did not answer in time is not called again", async () => {
    const sid = `AC${crypto.randomUUID().replaceAll("-", "")}`;
    const t = await escalationTenant({}, async () => {
      await account(sid, { secret: "tw", delayMs: 2_000 });
      return { type: "twilio", apiUrl: `${env.TEST_CALLCENTRE_URL}/twilio`, accountSid: sid, authToken: "tw", from: "+33987654321", twimlUrl: "https://acme.example/twiml" };
    });
    const send = vi.spyOn(env.ESCALATION_QUEUE, "send");
    const { request, later } = await direct(t.tenantId, { providerTimeoutMs: 20 });
    const a = await request({ phone: "0612345678" });
    await later();
    expect(a.status).toBe("pending");
    expect(await row(a.escalationId)).toMatchObject({ status: "unknown_outcome", reason: "timeout", attempts: 1 });
    expect(send).not.toHaveBeenCalled();
    send.mockRestore();
  });

  it("a timed-out attempt at the generic webhook (which recognises repeats) is queued again", async () => {
    const t = await escalationTenant();
    await account(t.account, { delayMs: 2_000 });
    const send = vi.spyOn(env.ESCALATION_QUEUE, "send");
    const { request, later } = await direct(t.tenantId, { providerTimeoutMs: 20 });
    const a = await request({ phone: "0612345678" });
    await later();
    expect(await row(a.escalationId)).toMatchObject({ status: "retrying", reason: "timeout" });
    expect(send).toHaveBeenCalledWith({ tenantId: t.tenantId, escalationId: a.escalationId }, { delaySeconds: 30 });
    send.mockRestore();
    await account(t.account, { delayMs: 0 });
  });

  it("past the bot's deadline the answer is pending, and the late answer is recorded without a second call", async () => {
    const t = await escalationTenant();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The platform's answer waits for the test: the deadline passes first, whatever the machine's speed.
    const { request, later } = await direct(t.tenantId, { deadlineMs: 0, fetch: async (input, init) => (await held, fetch(input, init)) });
    const a = await request({ phone: "0612345678" });
    expect(a).toMatchObject({ status: "pending", message: "Votre demande de rappel au +33 6 12 34 56 78 est bien enregistrée ; un conseiller vous appellera dès que possible." });
    expect(await row(a.escalationId)).toMatchObject({ status: "requested" });
    release();
    await later();
    expect(await row(a.escalationId)).toMatchObject({ status: "scheduled" });
    expect(await received(t.account)).toHaveLength(1);
  });
});

describe("lost attempts", () => {
  it("the cron sends a lost webhook attempt again, marks others of unknown outcome, and queues again a retry whose message was lost", async () => {
    const { createScheduledController, waitOnExecutionContext } = await import("cloudflare:test");
    const { LOST_AFTER_MS, RETRY_LOST_AFTER_MS } = await import("../../src/escalation/redrive.ts");
    const old = (ms: number) => new Date(Date.now() - ms - 60_000).toISOString();
    const insert = (id: string, provider: string, status: string, at: string) =>
      env.DB.prepare(
        `INSERT INTO escalations (id, tenant_id, status, provider, phone_hash, idem_hash, details, language, created_at, updated_at) VALUES (?1, 'ha-5', ?3, ?2, 'h', ?1, '', 'fr', ?4, ?4)`,
      ).bind(id, provider, status, at).run();
    const [a, b, c, d] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    await insert(a, "webhook", "requested", old(LOST_AFTER_MS));
    await insert(b, "twilio", "requested", old(LOST_AFTER_MS));
    await insert(c, "twilio", "retrying", old(RETRY_LOST_AFTER_MS));
    await insert(d, "twilio", "retrying", new Date().toISOString());
    const sendBatch = vi.spyOn(env.ESCALATION_QUEUE, "sendBatch");
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await row(a)).toMatchObject({ status: "retrying", reason: "lost_attempt" });
    expect(await row(b)).toMatchObject({ status: "unknown_outcome", reason: "lost_attempt" });
    const sent = sendBatch.mock.calls.flatMap(([m]) => [...m].map((x) => x.body));
    expect(sent).toContainEqual({ tenantId: "ha-5", escalationId: a });
    expect(sent).toContainEqual({ tenantId: "ha-5", escalationId: c });
    expect(sent).not.toContainEqual({ tenantId: "ha-5", escalationId: d });
    sendBatch.mockRestore();
  });
});
