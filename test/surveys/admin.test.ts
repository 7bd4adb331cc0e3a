// The admin API of surveys: the tenant's slice (secrets never shown, bad definitions
// refused with paths), the results per survey without numbers or free text, and the
// distribution of each scale.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { admin } from "../helpers/admin.ts";
import { holdSurveyQueue, mobile, reply, send, sendBody, surveyTenant, surveysConfig, SURVEY } from "../helpers/surveys.ts";
import type { SurveyTenant } from "../helpers/surveys.ts";

let queue: ReturnType<typeof holdSurveyQueue>;
beforeEach(() => {
  queue = holdSurveyQueue();
});
afterEach(() => queue.restore());

async function respond(t: SurveyTenant, answers: string[]): Promise<string> {
  const phone = mobile();
  await send(t.key, sendBody(phone));
  await queue.drain();
  for (const a of answers) {
    await reply(t, phone, a);
    await queue.drain();
  }
  return phone;
}

describe("surveys in the tenant configuration", () => {
  it("keeps the key and the auth token sealed, shown as set", async () => {
    const t = await surveyTenant();
    const res = await admin("GET", `/tenants/${t.tenantId}`);
    const body = JSON.stringify(await res.json());
    expect(body).not.toContain(t.key);
    expect(body).not.toContain(t.authToken);
    expect(body).toContain('"key":{"set":true}');
  });

  it("refuses a trigger naming no survey, a short key, and a bad definition, with their paths", async () => {
    const t = await surveyTenant();
    const res = await admin("PUT", `/tenants/${t.tenantId}`, {
      surveys: surveysConfig({ ...t, key: "short" }, {
        triggers: { afterCallback: { surveyId: "nope" } },
        definitions: [{ ...SURVEY, elements: [...SURVEY.elements, { id: "x", type: "scale", min: 5, max: 1, text: { en: "?" } }] }],
      }),
    });
    expect(res.status).toBe(400);
    const paths = ((await res.json()) as { error: { details: { path: string }[] } }).error.details.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["surveys.key", "surveys.triggers.afterCallback.surveyId", "surveys.definitions.0.elements.5.max"]));
  });

  it("refuses a provider URL without TLS or on a private host, as for every provider", async () => {
    const t = await surveyTenant();
    for (const url of ["http://sms.acme.example/send", "https://169.254.169.254/latest"]) {
      const res = await admin("PUT", `/tenants/${t.tenantId}`, {
        surveys: surveysConfig(t, { provider: { type: "webhook", url, secret: "whsec-value-0123456789", from: "+33600000000" } }),
      });
      expect(res.status).toBe(400);
      const paths = ((await res.json()) as { error: { details: { path: string }[] } }).error.details.map((d) => d.path);
      expect(paths).toContain("surveys.provider.url");
    }
  });

  it("refuses a sender number another tenant already uses", async () => {
    const a = await surveyTenant();
    const res = await admin("PUT", `/tenants/ha-${Math.floor(Math.random() * 1e9)}`, { surveys: surveysConfig({ ...a, key: `srv_${crypto.randomUUID()}` }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("sender number");
  });
});

describe("survey results", () => {
  it("lists the sessions with their answers, never a number, a personal variable or a free-text answer", async () => {
    const t = await surveyTenant();
    const phone = await respond(t, ["4", "1", "yes", "Ring me on 0611223344 please"]);
    const res = await admin("GET", `/tenants/${t.tenantId}/surveys/after-call/results`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { status: string; answers: Record<string, unknown>; variables: Record<string, string>; numberKept: boolean }[] };
    expect(body.results).toHaveLength(1);
    expect(body.results[0]).toMatchObject({ status: "completed", answers: { nps: 4, reason: 0, recontact: true, comment: { answered: true } }, variables: { agentId: "45012" }, numberKept: true });
    const text = JSON.stringify(body);
    for (const secret of [phone, phone.slice(3), "0611223344", "jane.doe@example.com"]) expect(text).not.toContain(secret);
  });

  it("gives the distribution of each scale, drop-down and yes/no", async () => {
    const t = await surveyTenant();
    await respond(t, ["10"]);
    await respond(t, ["10"]);
    await respond(t, ["4", "2", "no"]);
    await respond(t, ["oops"]);
    const res = await admin("GET", `/tenants/${t.tenantId}/surveys/after-call/summary`);
    const summary = (await res.json()) as { sessions: Record<string, number>; elements: Record<string, { answers: number; distribution: Record<string, number>; mean?: number }> };
    expect(summary.sessions).toEqual({ completed: 3, active: 1 });
    expect(summary.elements.nps).toEqual({ kind: "scale", answers: 3, mean: 8, distribution: { 0: 0, 1: 0, 2: 0, 3: 0, 4: 1, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0, 10: 2 } });
    expect(summary.elements.reason).toEqual({ kind: "dropdown", answers: 1, distribution: { 0: 0, 1: 1, 2: 0 } });
    expect(summary.elements.recontact).toEqual({ kind: "yes_no", answers: 1, distribution: { yes: 0, no: 1 } });
  });

  it("answers 404 for a survey the tenant does not have, 401 without the admin token", async () => {
    const t = await surveyTenant();
    expect((await admin("GET", `/tenants/${t.tenantId}/surveys/nope/summary`)).status).toBe(404);
    expect((await admin("GET", `/tenants/${t.tenantId}/surveys/after-call/summary`, undefined, null)).status).toBe(401);
  });
});
