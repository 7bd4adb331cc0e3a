// A whole survey through the Worker: sent by POST /surveys/send, each SMS received by the
// Twilio emulator, each reply signed and posted by the emulator as Twilio does.
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { holdSurveyQueue, inbox, mobile, reply, send, sendBody, session, signedReply, deliver, surveyTenant } from "../helpers/surveys.ts";
import type { SurveyTenant } from "../helpers/surveys.ts";

let queue: ReturnType<typeof holdSurveyQueue>;
beforeEach(() => {
  queue = holdSurveyQueue();
});
afterEach(() => queue.restore());

async function started(t: SurveyTenant, phone: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await send(t.key, sendBody(phone, extra));
  expect(res.status).toBe(202);
  const { sessionId } = (await res.json()) as { sessionId: string };
  await queue.drain();
  return sessionId;
}

async function answer(t: SurveyTenant, phone: string, text: string): Promise<string[]> {
  const before = (await inbox(t, phone)).length;
  const res = await reply(t, phone, text);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/xml");
  await queue.drain();
  return (await inbox(t, phone)).slice(before);
}

describe("a survey by SMS", { timeout: 60_000 }, () => {
  it("sends the texts before the first question one SMS each, two seconds apart, then holds the whole survey", async () => {
    const t = await surveyTenant();
    const phone = mobile();
    const id = await started(t, phone);
    expect(await inbox(t, phone)).toEqual(["Thanks for calling Acme Motors.", "How likely are you to recommend us? (0-10)"]);
    // The second SMS of the group waited for the queue's two seconds.
    const sms = queue.all.filter((q) => (q.body as { kind: string }).kind === "sms");
    expect(sms.map((q) => q.delaySeconds)).toEqual([undefined, 2]);

    // A wrong answer: the same question again, the error text first.
    expect(await answer(t, phone, "eleven")).toEqual(["Sorry, we did not understand.\nHow likely are you to recommend us? (0-10)"]);
    expect(await answer(t, phone, "11")).toEqual(["Sorry, we did not understand.\nHow likely are you to recommend us? (0-10)"]);
    // 6: no rule matches, the next element; the drop-down is listed from 1.
    expect(await answer(t, phone, "6")).toEqual(["What should we improve?\n1. Waiting time\n2. The advisor\n3. Prices"]);
    // "3" is stored as 2, whose rule jumps over the yes/no to the free text.
    expect(await answer(t, phone, "3")).toEqual(["Anything else?"]);
    expect(await answer(t, phone, "The car was not ready")).toEqual(["Thank you for your answers!"]);
    // No Salesforce configured for this tenant: the results stay in D1 only.
    expect(await session(id)).toMatchObject({ status: "completed", current_element: null, sf_status: "none", sf_error: "salesforce_not_configured" });
    const { results } = await env.DB.prepare(`SELECT element_id, value, text FROM survey_answers WHERE session_id = ?1 ORDER BY answered_at, rowid`).bind(id).all();
    expect(results.map((r) => [r.element_id, r.value])).toEqual([["nps", "6"], ["reason", "2"], ["comment", null]]);
    // The free text is sealed.
    expect(String(results[2]?.text)).toMatch(/^v1\./);

    // After the end: "survey unavailable".
    expect(await answer(t, phone, "hello?")).toEqual(["This survey is no longer available."]);
  });

  it("a rule jumps to the end: a promoter is thanked at once", async () => {
    const t = await surveyTenant();
    const phone = mobile();
    const id = await started(t, phone);
    expect(await answer(t, phone, "10")).toEqual(["Thank you for your answers!"]);
    expect(await session(id)).toMatchObject({ status: "completed" });
  });

  it("a yes/no answer and its rule: no ends the survey", async () => {
    const t = await surveyTenant();
    const phone = mobile();
    await started(t, phone);
    await answer(t, phone, "4");
    expect(await answer(t, phone, "1")).toEqual(["May we call you back about it? (yes/no)"]);
    expect(await answer(t, phone, "maybe")).toEqual(["Sorry, we did not understand.\nMay we call you back about it? (yes/no)"]);
    expect(await answer(t, phone, "No.")).toEqual(["Thank you for your answers!"]);
  });

  it("a reply from a number with no survey gets the 'no survey found' text", async () => {
    const t = await surveyTenant();
    const stranger = mobile();
    expect(await answer(t, stranger, "hello")).toEqual(["We found no survey for this number."]);
  });

  it("a delivery Twilio repeats (same MessageSid) is handled once", async () => {
    const t = await surveyTenant();
    const phone = mobile();
    const id = await started(t, phone);
    const signed = await signedReply(t, phone, "6");
    expect((await deliver(signed)).status).toBe(200);
    expect((await deliver(signed)).status).toBe(200);
    await queue.drain();
    expect((await inbox(t, phone)).slice(2)).toEqual(["What should we improve?\n1. Waiting time\n2. The advisor\n3. Prices"]);
    const answers = await env.DB.prepare(`SELECT COUNT(*) AS n FROM survey_answers WHERE session_id = ?1`).bind(id).first<number>("n");
    expect(answers).toBe(1);
  });

  it("two different replies racing for the same question: one answers, the other is read against the next question", async () => {
    const t = await surveyTenant();
    const phone = mobile();
    const id = await started(t, phone);
    const [a, b] = await Promise.all([signedReply(t, phone, "6"), signedReply(t, phone, "2")]);
    const answers = await Promise.all([deliver(a), deliver(b)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    const { results } = await env.DB.prepare(`SELECT element_id FROM survey_answers WHERE session_id = ?1 ORDER BY element_id`).bind(id).all();
    expect(results.map((r) => r.element_id)).toEqual(["nps", "reason"]);
  });

  it("STOP ends the session, opts the number out, and a later send is refused", async () => {
    const t = await surveyTenant();
    const phone = mobile();
    const id = await started(t, phone);
    expect(await answer(t, phone, "STOP")).toEqual([]);
    expect(await session(id)).toMatchObject({ status: "opted_out" });
    const again = await send(t.key, sendBody(phone));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: "not_sent", reason: "opted_out" });
    // Any later text from the number is not answered.
    expect(await answer(t, phone, "5")).toEqual([]);
  });

  it("ARRET opts out too, and START lets surveys come again", async () => {
    const t = await surveyTenant();
    const phone = mobile();
    await started(t, phone);
    await answer(t, phone, "Arrêt");
    expect((await (await send(t.key, sendBody(phone))).json()) as object).toMatchObject({ reason: "opted_out" });
    await answer(t, phone, "START");
    expect((await send(t.key, sendBody(phone))).status).toBe(202);
  });

  it("an expired session answers 'survey unavailable'", async () => {
    const t = await surveyTenant();
    const phone = mobile();
    const id = await started(t, phone);
    await env.DB.prepare(`UPDATE survey_sessions SET expires_at = ?2 WHERE id = ?1`).bind(id, new Date(Date.now() - 1000).toISOString()).run();
    expect(await answer(t, phone, "7")).toEqual(["This survey is no longer available."]);
    expect(await session(id)).toMatchObject({ status: "expired" });
  });

  it("the language of the send wins, and content goes before the first SMS", async () => {
    const t = await surveyTenant();
    const phone = mobile();
    await started(t, phone, { language: "fr-FR", content: "Bonjour Jane," });
    expect(await inbox(t, phone)).toEqual(["Bonjour Jane,\n\nMerci d'avoir appelé Acme Motors.", "Nous recommanderiez-vous ? (0-10)"]);
    expect(await answer(t, phone, "oops")).toEqual(["Désolé, nous n'avons pas compris.\nNous recommanderiez-vous ? (0-10)"]);
  });

  it("notices to one number stop after three a day, so an auto-responder cannot loop", async () => {
    const t = await surveyTenant();
    const bot = mobile();
    for (let i = 0; i < 5; i++) await answer(t, bot, `auto reply ${i}`);
    expect(await inbox(t, bot)).toHaveLength(3);
  });
});
