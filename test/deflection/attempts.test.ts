// What an attempt leaves behind: an outage retried from deflection's own queue without
// sending twice, the IVR's deadline turning into pending (the late answer recorded), a
// timeout retried only where the platform recognises repeats, the dead letters and the
// cron's safety net. Deadlines and timeouts are injected: no test waits for a real one.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { LOST_AFTER_MS, RETRY_LOST_AFTER_MS } from "../../src/outreach/lost.ts";
import { ask, deflectionTenant, deliver, direct, messagingAccount, mobile, received, row, twilioSent } from "../helpers/deflection.ts";
import { waitFor } from "../helpers/wait.ts";

describe("deflection: outages", () => {
  it("an outage answers pending, queues a later attempt on deflection-work, and that attempt sends once, however often it is delivered", async () => {
    const t = await deflectionTenant("quiq", {}, { fail5xx: 1 });
    const send = vi.spyOn(env.DEFLECTION_QUEUE, "send");
    const escalations = vi.spyOn(env.ESCALATION_QUEUE, "send");
    const a = await ask(t.key, { phone: mobile(), optIn: true });
    expect(a).toMatchObject({ status: "pending", prompt: expect.stringContaining("on its way") });
    expect(await row(a.deflectionId)).toMatchObject({ status: "retrying", reason: "http_503", attempts: 1 });
    expect(send).toHaveBeenCalledWith({ tenantId: t.tenantId, deflectionId: a.deflectionId }, { delaySeconds: 30 });
    expect(escalations).not.toHaveBeenCalled();
    send.mockRestore();
    escalations.mockRestore();

    const message = { tenantId: t.tenantId, deflectionId: a.deflectionId };
    await Promise.all([deliver("deflection-work", message), deliver("deflection-work", message)]);
    await deliver("deflection-work", message);
    expect(await received(t.account)).toHaveLength(1);
    expect(await row(a.deflectionId)).toMatchObject({ status: "sent", channel: "SMS", attempts: 2 });
  });

  it("the IVR's retry of the same call during the outage answers pending, then sent, and nothing is sent twice", async () => {
    const phone = mobile();
    const t = await deflectionTenant("twilio", { channels: [{ platform: "SMS" }] }, { fail5xx: 1 });
    const a = await ask(t.key, { phone, optIn: true, callId: "call-7" });
    expect((await ask(t.key, { phone, optIn: true, callId: "call-7" })).status).toBe("pending");
    await deliver("deflection-work", { tenantId: t.tenantId, deflectionId: a.deflectionId });
    expect(await ask(t.key, { phone, optIn: true, callId: "call-7" })).toMatchObject({ status: "sent", channel: "SMS", deflectionId: a.deflectionId });
    expect(await twilioSent(t.account)).toHaveLength(1);
  });

  it("the test runtime has deflection's queue and consumer from wrangler.toml: a message sent is consumed", async () => {
    const t = await deflectionTenant("webhook", {}, { fail5xx: 1 });
    const a = await ask(t.key, { phone: mobile(), optIn: true });
    await env.DEFLECTION_QUEUE.send({ tenantId: t.tenantId, deflectionId: a.deflectionId });
    await waitFor(async () => (await row(a.deflectionId))?.status === "sent", { what: "the deflection-work consumer" });
    expect(await received(t.account)).toHaveLength(1);
  });

  it("after the last queued attempt the dead letters mark it failed, and the IVR's repeat is told rejected", async () => {
    const phone = mobile();
    const t = await deflectionTenant("webhook", {}, { fail5xx: 1 });
    const a = await ask(t.key, { phone, optIn: true, callId: "call-dead" });
    await deliver("deflection-work-dlq", { tenantId: t.tenantId, deflectionId: a.deflectionId });
    expect(await row(a.deflectionId)).toMatchObject({ status: "failed", reason: "retries_exhausted" });
    expect(await ask(t.key, { phone, optIn: true, callId: "call-dead" })).toMatchObject({ status: "rejected", reason: "provider_refused" });
    expect(await received(t.account)).toHaveLength(0);
  });
});

describe("deflection: deadlines and timeouts (injected)", () => {
  it("past the IVR's deadline the answer is pending, and the late answer is recorded without a second message", async () => {
    const t = await deflectionTenant("webhook");
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The platform's answer waits for the test: the deadline passes first, whatever the machine's speed.
    const { request, later } = await direct(t.tenantId, { deadlineMs: 0, fetch: async (input, init) => (await held, fetch(input, init)) });
    const a = await request({ phone: mobile(), optIn: true });
    expect(a).toMatchObject({ status: "pending", prompt: "Your message is on its way and should arrive in a moment. You can hang up now." });
    expect(await row(a.deflectionId)).toMatchObject({ status: "requested" });
    release();
    await later();
    expect(await row(a.deflectionId)).toMatchObject({ status: "sent", channel: "SMS" });
    expect(await received(t.account)).toHaveLength(1);
  });

  it("a platform that cannot recognise repeats and did not answer in time is not sent again", async () => {
    const t = await deflectionTenant("quiq", {}, { delayMs: 2_000 });
    const send = vi.spyOn(env.DEFLECTION_QUEUE, "send");
    const { request, later } = await direct(t.tenantId, { providerTimeoutMs: 20 });
    const a = await request({ phone: mobile(), optIn: true });
    await later();
    expect(a.status).toBe("pending");
    expect(await row(a.deflectionId)).toMatchObject({ status: "unknown_outcome", reason: "timeout" });
    expect(send).not.toHaveBeenCalled();
    send.mockRestore();
    await messagingAccount(t.account, { delayMs: 0 });
  });

  it("a timed-out attempt at the webhook (which recognises repeats) is queued again", async () => {
    const t = await deflectionTenant("webhook", {}, { delayMs: 2_000 });
    const send = vi.spyOn(env.DEFLECTION_QUEUE, "send");
    const { request, later } = await direct(t.tenantId, { providerTimeoutMs: 20 });
    const a = await request({ phone: mobile(), optIn: true });
    await later();
    expect(await row(a.deflectionId)).toMatchObject({ status: "retrying", reason: "timeout" });
    expect(send).toHaveBeenCalledWith({ tenantId: t.tenantId, deflectionId: a.deflectionId }, { delaySeconds: 30 });
    send.mockRestore();
    await messagingAccount(t.account, { delayMs: 0 });
  });
});

describe("deflection: lost attempts", () => {
  it("the cron sends a lost webhook attempt again, marks others of unknown outcome, and queues again a retry whose message was lost", async () => {
    const old = (ms: number) => new Date(Date.now() - ms - 60_000).toISOString();
    const insert = (id: string, provider: string, status: string, at: string) =>
      env.DB.prepare(
        `INSERT INTO deflections (id, tenant_id, status, provider, mode, phone_hash, idem_hash, details, language, created_at, updated_at) VALUES (?1, 'ha-6', ?3, ?2, 'notify', 'h', ?1, '', 'en', ?4, ?4)`,
      ).bind(id, provider, status, at).run();
    const [a, b, c, d] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    await insert(a, "webhook", "requested", old(LOST_AFTER_MS));
    await insert(b, "quiq", "requested", old(LOST_AFTER_MS));
    await insert(c, "twilio", "retrying", old(RETRY_LOST_AFTER_MS));
    await insert(d, "twilio", "retrying", new Date().toISOString());
    const sendBatch = vi.spyOn(env.DEFLECTION_QUEUE, "sendBatch");
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await row(a)).toMatchObject({ status: "retrying", reason: "lost_attempt" });
    expect(await row(b)).toMatchObject({ status: "unknown_outcome", reason: "lost_attempt" });
    const sent = sendBatch.mock.calls.flatMap(([m]) => [...m].map((x) => x.body));
    expect(sent).toContainEqual({ tenantId: "ha-6", deflectionId: a });
    expect(sent).toContainEqual({ tenantId: "ha-6", deflectionId: c });
    expect(sent).not.toContainEqual({ tenantId: "ha-6", deflectionId: d });
    sendBatch.mockRestore();
  });
});
