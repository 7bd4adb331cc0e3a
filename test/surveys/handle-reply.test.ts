// Replies that could start an endless exchange: invalid answers are limited per question
// (an auto-responder answering every SMS), then the session ends without another SMS.
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { admin } from "../helpers/admin.ts";
import { holdSurveyQueue, inbox, mobile, reply, send, sendBody, session, surveyTenant } from "../helpers/surveys.ts";

let queue: ReturnType<typeof holdSurveyQueue>;
beforeEach(() => {
  queue = holdSurveyQueue();
});
afterEach(() => queue.restore());

const AUTO = "I am out of the office until Monday.";
const errorsSent = (tenantId: string) =>
  env.DB.prepare(`SELECT COUNT(*) AS n FROM survey_outbox WHERE tenant_id = ?1 AND kind = 'error' AND status = 'sent'`).bind(tenantId).first("n");

describe("invalid replies", () => {
  it("ends the session as abandoned at the third invalid reply, without an SMS, and counts it in the summary", async () => {
    const t = await surveyTenant();
    const phone = mobile();
    const { sessionId } = (await (await send(t.key, sendBody(phone))).json()) as { sessionId: string };
    await queue.drain();
    const first = (await inbox(t, phone)).length;
    for (let i = 0; i < 25; i++) expect((await reply(t, phone, AUTO)).status).toBe(200);
    await queue.drain();
    expect(await errorsSent(t.tenantId)).toBe(2);
    expect(await session(sessionId)).toMatchObject({ status: "abandoned", current_element: null, invalid_replies: 3 });
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM survey_inbound WHERE session_id = ?1 AND outcome = 'abandoned'`).bind(sessionId).first("n")).toBe(1);
    // Two error SMS, then at most the day's "survey unavailable" notices.
    expect((await inbox(t, phone)).length).toBe(first + 2 + 3);
    const summary = (await (await admin("GET", `/tenants/${t.tenantId}/surveys/after-call/summary`)).json()) as { sessions: Record<string, number> };
    expect(summary.sessions).toEqual({ abandoned: 1 });
  });

  it("counts invalid replies per question, and follows the tenant's maxInvalidReplies", async () => {
    const t = await surveyTenant({ maxInvalidReplies: 2 });
    const phone = mobile();
    const { sessionId } = (await (await send(t.key, sendBody(phone))).json()) as { sessionId: string };
    await reply(t, phone, AUTO);
    expect(await session(sessionId)).toMatchObject({ status: "active", current_element: "nps", invalid_replies: 1 });
    await reply(t, phone, "3");
    expect(await session(sessionId)).toMatchObject({ status: "active", current_element: "reason", invalid_replies: 0 });
    await reply(t, phone, AUTO);
    expect(await session(sessionId)).toMatchObject({ status: "active", invalid_replies: 1 });
    await reply(t, phone, AUTO);
    expect(await session(sessionId)).toMatchObject({ status: "abandoned", sf_status: "pending" });
    await queue.drain();
    expect(await errorsSent(t.tenantId)).toBe(2);
  });
});

describe("notices to numbers that text the tenant", () => {
  const notes = (tenantId: string) =>
    env.DB.prepare(`SELECT note, COUNT(*) AS n FROM survey_inbound WHERE tenant_id = ?1 GROUP BY note ORDER BY note`).bind(tenantId).all<{ note: string; n: number }>();

  it("sends none to a premium-rate, unserved-country, landline or non-geographic number, and records why", async () => {
    const t = await surveyTenant();
    const senders = ["+33899123456", "+12025550123", "+882345678901", "+33123456789"];
    for (const from of senders) expect((await reply(t, from, "hello")).status).toBe(200);
    await queue.drain();
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM survey_outbox WHERE tenant_id = ?1`).bind(t.tenantId).first("n")).toBe(0);
    for (const from of senders) expect(await inbox(t, from)).toEqual([]);
    const { results } = await notes(t.tenantId);
    expect(results.map((r) => r.note).every((n) => n.startsWith("notice_withheld:"))).toBe(true);
    expect(results.reduce((s, r) => s + r.n, 0)).toBe(4);
    // A mobile in a served country still gets its notice.
    const phone = mobile();
    await reply(t, phone, "hello");
    await queue.drain();
    expect(await inbox(t, phone)).toEqual(["We found no survey for this number."]);
  });

  it("caps the tenant's notices a day, atomically, and records the capped ones", async () => {
    const t = await surveyTenant({ noticesPerDay: 2 });
    const senders = Array.from({ length: 6 }, () => mobile());
    const res = await Promise.all(senders.map((from) => reply(t, from, "hello")));
    expect(res.map((r) => r.status)).toEqual(senders.map(() => 200));
    await queue.drain();
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM survey_outbox WHERE tenant_id = ?1 AND kind = 'notice' AND status = 'sent'`).bind(t.tenantId).first("n")).toBe(2);
    const { results } = await notes(t.tenantId);
    expect(results).toEqual([{ note: "notice_capped", n: 4 }, { note: "notice_queued", n: 2 }]);
  });
});
