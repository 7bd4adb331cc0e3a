// What an attempt leaves behind: a retry from the queue for an outage, and for a timeout
// a retry only where the platform recognises repeats, never a second call otherwise.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { account, ask, escalationTenant, received, row } from "../helpers/escalation.ts";

async function deliver(tenantId: string, escalationId: string) {
  const batch = createMessageBatch("conversation-work", [{ id: "m0", timestamp: new Date(), attempts: 1, body: { kind: "escalation", tenantId, escalationId } }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

describe("escalation attempts", () => {
  it("an outage answers pending, queues a later attempt, and that attempt schedules the callback", async () => {
    const t = await escalationTenant();
    await account(t.account, { fail5xx: 1 });
    const send = vi.spyOn(env.CONVERSATION_QUEUE, "send");
    const a = await ask(t.key, { phone: "0612345678" });
    expect(a.status).toBe("pending");
    expect(await row(a.escalationId)).toMatchObject({ status: "retrying", reason: "http_503", attempts: 1 });
    expect(send).toHaveBeenCalledWith({ kind: "escalation", tenantId: t.tenantId, escalationId: a.escalationId }, { delaySeconds: 30 });
    send.mockRestore();

    const result = await deliver(t.tenantId, a.escalationId ?? "");
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(await row(a.escalationId)).toMatchObject({ status: "scheduled", attempts: 2 });
    expect(await received(t.account)).toHaveLength(1);
    // A repeat of the message does nothing.
    await deliver(t.tenantId, a.escalationId ?? "");
    expect(await received(t.account)).toHaveLength(1);
  });

  it("the bot's repeat during the retries still answers pending, then scheduled", async () => {
    const t = await escalationTenant();
    await account(t.account, { fail5xx: 1 });
    const a = await ask(t.key, { phone: "0612345678", conversationId: "c1" });
    expect((await ask(t.key, { phone: "0612345678", conversationId: "c1" })).status).toBe("pending");
    await deliver(t.tenantId, a.escalationId ?? "");
    expect((await ask(t.key, { phone: "0612345678", conversationId: "c1" })).status).toBe("scheduled");
  });

  it("a platform that cannot recognise repeats and did not answer in time is not called again", async () => {
    const sid = `AC${crypto.randomUUID().replaceAll("-", "")}`;
    const t = await escalationTenant({}, async () => {
      await account(sid, { secret: "tw", delayMs: 25_000 });
      return { type: "twilio", apiUrl: `${env.TEST_CALLCENTRE_URL}/twilio`, accountSid: sid, authToken: "tw", from: "+33987654321", twimlUrl: "https://acme.example/twiml" };
    });
    const a = await ask(t.key, { phone: "0612345678" });
    expect(a.status).toBe("pending");
    const deadline = Date.now() + 30_000;
    while ((await row(a.escalationId))?.status === "requested" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect(await row(a.escalationId)).toMatchObject({ status: "unknown_outcome", reason: "timeout" });
  }, 40_000);
});

describe("lost attempts", () => {
  it("the cron sends a lost webhook attempt again, and marks others of unknown outcome", async () => {
    const { createScheduledController, waitOnExecutionContext } = await import("cloudflare:test");
    const { LOST_AFTER_MS } = await import("../../src/escalation/redrive.ts");
    const old = new Date(Date.now() - LOST_AFTER_MS - 60_000).toISOString();
    const insert = (id: string, provider: string) =>
      env.DB.prepare(
        `INSERT INTO escalations (id, tenant_id, status, provider, phone_hash, idem_hash, details, language, created_at, updated_at) VALUES (?1, 'ha-5', 'requested', ?2, 'h', ?1, '', 'fr', ?3, ?3)`,
      ).bind(id, provider, old).run();
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
    await insert(a, "webhook");
    await insert(b, "twilio");
    const sendBatch = vi.spyOn(env.CONVERSATION_QUEUE, "sendBatch");
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await row(a)).toMatchObject({ status: "retrying", reason: "lost_attempt" });
    expect(await row(b)).toMatchObject({ status: "unknown_outcome", reason: "lost_attempt" });
    expect(sendBatch.mock.calls.flatMap(([m]) => [...m].map((x) => x.body))).toContainEqual({ kind: "escalation", tenantId: "ha-5", escalationId: a });
    sendBatch.mockRestore();
  });
});
