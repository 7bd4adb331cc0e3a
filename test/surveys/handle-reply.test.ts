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
