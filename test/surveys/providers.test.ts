// What the SMS providers answer, and what it does to the survey: the Twilio emulator's
// documented errors, and the queue's retries.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import worker from "../../src/index.ts";
import { holdSurveyQueue, inbox, mobile, send, sendBody, session, sms, surveyTenant } from "../helpers/surveys.ts";
import type { SurveyTenant } from "../helpers/surveys.ts";
import { BASE } from "../helpers/webhook.ts";

let queue: ReturnType<typeof holdSurveyQueue>;
beforeEach(() => {
  queue = holdSurveyQueue();
});
afterEach(() => queue.restore());

async function twilio(t: SurveyTenant, settings: Record<string, unknown>) {
  await fetch(`${sms()}/__emulator/accounts/${t.accountSid}`, {
    method: "POST",
    body: JSON.stringify({ authToken: t.authToken, numbers: [t.from], inboundUrl: `${BASE}/sms/inbound/twilio`, ...settings }),
  });
}

async function deliverFirst() {
  const [first] = queue.pending.splice(0);
  const batch = createMessageBatch("survey-work", [{ id: "s1", timestamp: new Date(), attempts: 1, body: first?.body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

describe("sending SMS", () => {
  it("an outage (503) is retried from the queue, and the SMS then goes out", async () => {
    const t = await surveyTenant();
    await twilio(t, { fail5xx: 1 });
    const phone = mobile();
    await send(t.key, sendBody(phone));
    const pending = [...queue.pending];
    const result = await deliverFirst();
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["s1"]);
    queue.pending.push(...pending);
    await queue.drain();
    expect(await inbox(t, phone)).toHaveLength(2);
  });

  it("a number Twilio says is not a mobile (21614) ends the session as failed, the rest of the group unsent", async () => {
    const t = await surveyTenant();
    const phone = mobile();
    await twilio(t, { landlines: [phone] });
    const { sessionId } = (await (await send(t.key, sendBody(phone))).json()) as { sessionId: string };
    await queue.drain();
    expect(await session(sessionId)).toMatchObject({ status: "failed" });
    const rows = await env.DB.prepare(`SELECT status, error FROM survey_outbox WHERE session_id = ?1 ORDER BY seq`).bind(sessionId).all();
    expect(rows.results).toEqual([{ status: "failed", error: "twilio_21614" }, { status: "failed", error: "twilio_21614" }]);
  });

  it("a customer unsubscribed at Twilio (21610) is opted out here too", async () => {
    const t = await surveyTenant();
    const phone = mobile();
    // The customer texted STOP to the number earlier: Twilio blocks it.
    await fetch(`${sms()}/__emulator/reply`, { method: "POST", body: JSON.stringify({ account: t.accountSid, from: phone, to: t.from, body: "STOP" }) });
    const { sessionId } = (await (await send(t.key, sendBody(phone))).json()) as { sessionId: string };
    await queue.drain();
    expect(await session(sessionId)).toMatchObject({ status: "opted_out" });
    expect(await (await send(t.key, sendBody(phone))).json()).toEqual({ status: "not_sent", reason: "opted_out" });
  });

  it("a message sent already is not sent again when the queue delivers it twice", async () => {
    const t = await surveyTenant();
    const phone = mobile();
    await send(t.key, sendBody(phone));
    const [first] = queue.pending;
    await queue.drain();
    queue.pending.push({ body: first?.body, delaySeconds: undefined });
    await queue.drain();
    expect(await inbox(t, phone)).toHaveLength(2);
  });
});
