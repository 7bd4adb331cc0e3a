// The scheduled upkeep: lost SMS queued again, expired sessions ended (their answers
// written), and after the retention period the number dropped and the answers kept.
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { surveyUpkeep } from "../../src/surveys/redrive.ts";
import { admin } from "../helpers/admin.ts";
import { holdSurveyQueue, inbox, mobile, reply, send, sendBody, session, surveyTenant } from "../helpers/surveys.ts";

let queue: ReturnType<typeof holdSurveyQueue>;
beforeEach(() => {
  queue = holdSurveyQueue();
});
afterEach(() => queue.restore());

const DAY = 86_400_000;

describe("survey upkeep", () => {
  it("queues again an SMS whose queue message was lost", async () => {
    const t = await surveyTenant();
    const phone = mobile();
    await send(t.key, sendBody(phone));
    queue.pending.splice(0); // the message is lost
    await surveyUpkeep(env, new Date(Date.now() + 60_000));
    // Other files' tenants share this D1: only this tenant's SMS is looked at.
    expect(queue.pending.filter((q) => (q.body as { tenantId?: string }).tenantId === t.tenantId)).toHaveLength(0);
    await surveyUpkeep(env, new Date(Date.now() + 3 * 60_000));
    await queue.drain();
    expect(await inbox(t, phone)).toHaveLength(2);
  });

  it("ends sessions past their expiry, and queues the write of what was answered", async () => {
    const t = await surveyTenant();
    const phone = mobile();
    const { sessionId } = (await (await send(t.key, sendBody(phone))).json()) as { sessionId: string };
    const silent = (await (await send(t.key, sendBody(mobile()))).json()) as { sessionId: string };
    await queue.drain();
    await reply(t, phone, "4");
    await queue.drain();
    await surveyUpkeep(env, new Date(Date.now() + 4 * DAY));
    expect(await session(sessionId)).toMatchObject({ status: "expired", sf_status: "pending" });
    expect(await session(silent.sessionId)).toMatchObject({ status: "expired", sf_status: "none" });
    expect(queue.pending.map((q) => q.body)).toContainEqual({ kind: "write", tenantId: t.tenantId, sessionId });
  });

  it("drops the number and personal variables after the retention period, keeps the answers", async () => {
    const t = await surveyTenant({ retentionDays: 30 });
    const phone = mobile();
    const { sessionId } = (await (await send(t.key, sendBody(phone))).json()) as { sessionId: string };
    await queue.drain();
    await reply(t, phone, "10");
    await queue.drain();
    await surveyUpkeep(env, new Date(Date.now() + 29 * DAY));
    expect(await session(sessionId)).toMatchObject({ phone_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    await surveyUpkeep(env, new Date(Date.now() + 31 * DAY));
    expect(await session(sessionId)).toMatchObject({ contact: null, phone_hash: null, status: "completed" });
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM survey_outbox WHERE session_id = ?1`).bind(sessionId).first("n")).toBe(0);
    const results = (await (await admin("GET", `/tenants/${t.tenantId}/surveys/after-call/results`)).json()) as { results: { answers: object; numberKept: boolean }[] };
    expect(results.results[0]).toMatchObject({ answers: { nps: 10 }, numberKept: false });
  });
});
