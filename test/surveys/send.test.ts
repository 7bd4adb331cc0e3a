// POST /surveys/send: the key, the body as the seed's SendSurvey, the number, opt-outs,
// the daily cap, repeats, and the expiry advice.
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { holdSurveyQueue, mobile, send, sendBody, session, surveyTenant } from "../helpers/surveys.ts";

let queue: ReturnType<typeof holdSurveyQueue>;
beforeEach(() => {
  queue = holdSurveyQueue();
});
afterEach(() => queue.restore());

describe("POST /surveys/send", () => {
  it("needs the tenant's key as a bearer token", async () => {
    const t = await surveyTenant();
    const missing = await send(null, sendBody(mobile()));
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    expect((await send(`${t.key}x`, sendBody(mobile()))).status).toBe(404);
  });

  it("refuses a malformed body with the paths of the wrong fields", async () => {
    const t = await surveyTenant();
    const res = await send(t.key, { ...sendBody("0612345678"), identifierType: "Email", channel: "Voice", extra: 1 });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.details.map((d) => d.path).sort()).toEqual(["(root)", "channel", "identifier", "identifierType"]);
    // No number in the answer.
    expect(JSON.stringify(body)).not.toContain("0612345678");
  });

  it("refuses a number that is not a mobile, and an unknown survey", async () => {
    const t = await surveyTenant();
    const landline = await send(t.key, sendBody("+33123456789"));
    expect(landline.status).toBe(400);
    expect(await landline.json()).toMatchObject({ error: { details: [{ path: "identifier", message: "not_mobile" }] } });
    const abroad = await send(t.key, sendBody("+447911123456"));
    expect(await abroad.json()).toMatchObject({ error: { details: [{ path: "identifier", message: "country_not_served" }] } });
    expect((await send(t.key, sendBody(mobile(), { surveyId: "nope" }))).status).toBe(404);
  });

  it("answers 202 with the session, stores the number sealed and only its keyed hash in clear", async () => {
    const t = await surveyTenant();
    const phone = mobile();
    const res = await send(t.key, sendBody(phone, { expiryTime: new Date(Date.now() + 3_600_000).toISOString() }));
    expect(res.status).toBe(202);
    const answer = (await res.json()) as { sessionId: string; status: string; messages: number; warnings: string[]; language: string };
    expect(answer).toMatchObject({ status: "sending", messages: 2, warnings: [], language: "en" });
    const row = await session(answer.sessionId);
    expect(row).toMatchObject({ status: "active", current_element: "nps", origin: "api", variables: JSON.stringify({ agentId: "45012" }) });
    const stored = JSON.stringify(await env.DB.prepare(`SELECT * FROM survey_sessions s JOIN survey_outbox o ON o.session_id = s.id WHERE s.id = ?1`).bind(answer.sessionId).all());
    expect(stored).not.toContain(phone);
    expect(stored).not.toContain(phone.slice(1));
    expect(stored).not.toContain("jane.doe@example.com");
    expect(String(row?.phone_hash)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("warns when the expiry is above the advised 24 hours, and defaults to three days", async () => {
    const t = await surveyTenant();
    const res = await send(t.key, sendBody(mobile()));
    const answer = (await res.json()) as { warnings: string[]; expiresAt: string };
    expect(answer.warnings).toEqual(["expiry_over_24h"]);
    expect(Date.parse(answer.expiresAt) - Date.now()).toBeGreaterThan(71 * 3_600_000);
    expect((await send(t.key, sendBody(mobile(), { expiryTime: "2020-01-01T00:00:00Z" }))).status).toBe(400);
  });

  it("a repeated send (same survey, clientReference and number) returns the first session and sends nothing more", async () => {
    const t = await surveyTenant();
    const body = sendBody(mobile());
    const first = (await (await send(t.key, body)).json()) as { sessionId: string };
    const again = await send(t.key, body);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: "repeated", sessionId: first.sessionId, sessionStatus: "active" });
    expect(queue.all).toHaveLength(1);
  });

  it("sends at most perNumberPerDay surveys to one number", async () => {
    const t = await surveyTenant({ perNumberPerDay: 1 });
    const phone = mobile();
    expect((await send(t.key, sendBody(phone))).status).toBe(202);
    const second = await send(t.key, sendBody(phone));
    expect(await second.json()).toEqual({ status: "not_sent", reason: "rate_limited" });
  });

  it("holds perNumberPerDay under 8 concurrent sends to one number: exactly one session", async () => {
    const t = await surveyTenant({ perNumberPerDay: 1 });
    const phone = mobile();
    const answers = await Promise.all(Array.from({ length: 8 }, async () => (await (await send(t.key, sendBody(phone))).json()) as { status: string; reason?: string }));
    expect(answers.filter((a) => a.status === "sending")).toHaveLength(1);
    expect(answers.filter((a) => a.reason === "rate_limited")).toHaveLength(7);
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM survey_sessions WHERE tenant_id = ?1`).bind(t.tenantId).first("n")).toBe(1);
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM survey_outbox WHERE tenant_id = ?1`).bind(t.tenantId).first("n")).toBeGreaterThan(0);
  });

  it("a new survey to the same number replaces the one still open: replies go to the newest", async () => {
    const t = await surveyTenant();
    const phone = mobile();
    const a = (await (await send(t.key, sendBody(phone))).json()) as { sessionId: string };
    const b = (await (await send(t.key, sendBody(phone))).json()) as { sessionId: string };
    expect(await session(a.sessionId)).toMatchObject({ status: "superseded" });
    expect(await session(b.sessionId)).toMatchObject({ status: "active" });
  });
});
