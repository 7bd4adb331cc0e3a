// POST /admin/api/tenants/:id/check through the Worker, against the emulators: a good
// tenant passes every check; each setting that is wrong fails its own check, names the
// setting or field, never a secret; checks that depend on a failed one are skipped.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin } from "../helpers/admin.ts";
import { account, cc } from "../helpers/escalation.ts";
import { setSchemaVariant, stats } from "../helpers/iadvize.ts";
import { byId, check, checkedTenant, CUSTOMER_FIELDS } from "../helpers/preflight.ts";
import type { CheckAnswer, CheckedTenant } from "../helpers/preflight.ts";
import { sfFaults } from "../helpers/salesforce.ts";
import { cachedSchema } from "../../src/iadvize/live-schema.ts";

const ALL = [
  "iadvize.login",
  "iadvize.schema",
  "iadvize.project",
  "salesforce.auth",
  "salesforce.package",
  "salesforce.mapping",
  "salesforce.assignment",
  "salesforce.api_usage",
  "escalation.provider",
];

function expectNoSecret(text: string, t: CheckedTenant): void {
  for (const secret of t.secrets) expect(text, "an answer quotes a secret or an email").not.toContain(secret);
}

const statuses = (a: CheckAnswer) => Object.fromEntries(a.checks.map((c) => [c.id, c.status]));

describe("preflight: a good tenant", () => {
  it("passes every check, in the checklist's order, with one iAdvize login for all of them", async () => {
    const t = await checkedTenant();
    const { status, text, answer } = await check(t.tenantId);
    expect(status).toBe(200);
    expect(answer.checks.map((c) => c.id)).toEqual(ALL);
    expect(statuses(answer)).toEqual(Object.fromEntries(ALL.map((id) => [id, "ok"])));
    expect(answer.ok).toBe(true);
    expect(Date.parse(answer.checkedAt)).not.toBeNaN();
    for (const c of answer.checks) expect(c.message.length).toBeGreaterThan(10);
    expectNoSecret(text, t);
    expect((await stats(t.user.username)).logins).toBe(1);

    // A second run reuses the shared token.
    const again = await check(t.tenantId);
    expect(again.answer.ok).toBe(true);
    expect((await stats(t.user.username)).logins).toBe(1);
  });

  it("keeps the introspected schema in D1, reusable for a day", async () => {
    const t = await checkedTenant();
    await check(t.tenantId);
    const row = await env.DB.prepare("SELECT introspection, fetched_at FROM iadvize_schema WHERE tenant_id = ?1").bind(t.tenantId).first<{ introspection: string; fetched_at: string }>();
    expect(JSON.parse(row?.introspection ?? "{}").__schema.types.length).toBeGreaterThan(5);
    const fetchedAt = Date.parse(row?.fetched_at ?? "");
    const fresh = await cachedSchema(env.DB, t.tenantId, new Date(fetchedAt + 23 * 3600_000));
    expect(fresh?.getType("Visitor")).toBeDefined();
    expect(await cachedSchema(env.DB, t.tenantId, new Date(fetchedAt + 25 * 3600_000))).toBeUndefined();
  });
});

describe("preflight: iAdvize", () => {
  it("a wrong password fails iadvize.login, naming the settings, and skips the checks that need it", async () => {
    const t = await checkedTenant({ password: `wrong-${crypto.randomUUID()}` });
    const { text, answer } = await check(t.tenantId);
    expect(answer.ok).toBe(false);
    const login = byId(answer, "iadvize.login");
    expect(login).toMatchObject({ status: "failed", code: "credentials_refused" });
    expect(login.message).toContain("iadvize.password");
    expect(byId(answer, "iadvize.schema")).toMatchObject({ status: "skipped", code: "needs_iadvize.login" });
    expect(byId(answer, "iadvize.project").status).toBe("skipped");
    expect(byId(answer, "salesforce.package").status).toBe("ok");
    expectNoSecret(text, t);
  });

  it("a live schema lacking a queried field fails iadvize.schema with the Type.field paths", async () => {
    const t = await checkedTenant();
    await setSchemaVariant(t.user.username, { removeFields: ["Visitor.email", "Visitor.firstName"] });
    const { text, answer } = await check(t.tenantId);
    const schema = byId(answer, "iadvize.schema");
    expect(schema).toMatchObject({ status: "failed", code: "schema_mismatch" });
    expect(schema.message).toContain("ConversationForCrm");
    expect(schema.message).toContain("Visitor.email, Visitor.firstName");
    expect(schema.hint).toContain("npm run schema:pull");
    expect(byId(answer, "iadvize.login").status).toBe("ok");
    expect(answer.ok).toBe(false);
    expectNoSecret(text, t);

    await setSchemaVariant(t.user.username, null);
    expect(byId((await check(t.tenantId)).answer, "iadvize.schema")).toMatchObject({ status: "ok", code: "schema_valid" });
  });

  it("an API user who cannot read the project fails iadvize.project", async () => {
    const t = await checkedTenant({ projects: (mine) => [mine + 1] });
    const { text, answer } = await check(t.tenantId);
    const project = byId(answer, "iadvize.project");
    expect(project).toMatchObject({ status: "failed", code: "project_forbidden" });
    expect(project.message).toContain(String(t.projectId));
    expect(byId(answer, "iadvize.schema").status).toBe("ok");
    expectNoSecret(text, t);
  });
});

describe("preflight: Salesforce", () => {
  it("a wrong client secret fails salesforce.auth and skips the other Salesforce checks", async () => {
    const t = await checkedTenant({ salesforce: { auth: { type: "client_credentials", clientId: "unknown-client", clientSecret: "sf-wrong-secret-123" } } });
    const { text, answer } = await check(t.tenantId);
    expect(byId(answer, "salesforce.auth")).toMatchObject({ status: "failed", code: "login_refused" });
    for (const id of ["salesforce.package", "salesforce.mapping", "salesforce.assignment", "salesforce.api_usage"]) expect(byId(answer, id).status).toBe("skipped");
    expect(text).not.toContain("sf-wrong-secret-123");
  });

  it("an org missing a package field fails salesforce.package with Object.Field paths", async () => {
    const t = await checkedTenant({ org: { packageMissing: ["iAdvize_Conversation__c.Transcript__c", "Lead.iAdvize_Visitor_Id__c"] } });
    const { text, answer } = await check(t.tenantId);
    const pkg = byId(answer, "salesforce.package");
    expect(pkg).toMatchObject({ status: "failed", code: "package_incomplete" });
    expect(pkg.message).toContain("iAdvize_Conversation__c.Transcript__c (missing)");
    expect(pkg.message).toContain("Lead.iAdvize_Visitor_Id__c (missing)");
    expect(pkg.hint).toContain("iAdvize_Connector");
    expect(answer.ok).toBe(false);
    expectNoSecret(text, t);
  });

  it("an org without the custom object fails salesforce.package", async () => {
    const t = await checkedTenant({ org: { packageMissing: ["iAdvize_Conversation__c"] } });
    const { answer } = await check(t.tenantId);
    expect(byId(answer, "salesforce.package")).toMatchObject({ status: "failed", code: "package_incomplete" });
    expect(byId(answer, "salesforce.package").message).toBe("The org lacks what the connector writes: iAdvize_Conversation__c (no such object).");
    expect(byId(answer, "salesforce.mapping").status).toBe("ok");
  });

  it("a question mapped to a read-only field fails salesforce.mapping, naming the tag and field", async () => {
    const readOnly = { name: "Score__c", type: "double", createable: false, updateable: false, nillable: true };
    const t = await checkedTenant({
      org: { extraFields: { ...CUSTOMER_FIELDS, Lead: [...(CUSTOMER_FIELDS.Lead ?? []), readOnly] } },
      mapping: { Q1: { object: "Lead", field: "Vehicle__c" }, Q5: { object: "Lead", field: "Score__c" }, Q6: { object: "Lead", field: "Budget__c" } },
    });
    const { answer } = await check(t.tenantId);
    const mapping = byId(answer, "salesforce.mapping");
    expect(mapping).toMatchObject({ status: "failed", code: "mapping_invalid" });
    expect(mapping.message).toContain("Q5 → Lead.Score__c: read-only");
    expect(mapping.message).toContain("Q6 → Lead.Budget__c: no such field");
    expect(mapping.message).not.toContain("Q1");
  });

  it("a mapped text field shorter than 40 characters is a warning, not a failure", async () => {
    const short = { name: "Colour__c", type: "string", length: 20, createable: true, updateable: true, nillable: true };
    const t = await checkedTenant({ org: { extraFields: { Lead: [short] } }, mapping: { Q1: { object: "Lead", field: "Colour__c" } } });
    const { answer } = await check(t.tenantId);
    expect(byId(answer, "salesforce.mapping")).toMatchObject({ status: "warning", code: "fields_short" });
    expect(byId(answer, "salesforce.mapping").message).toContain("Q1 → Lead.Colour__c (20 characters)");
    expect(answer.ok).toBe(true);
  });

  it("salesforce.assignment: the rule id must exist", async () => {
    const missing = await checkedTenant({ salesforce: { assignmentRuleId: "01Q000000000099AAA" } });
    expect(byId((await check(missing.tenantId)).answer, "salesforce.assignment")).toMatchObject({ status: "failed", code: "rule_not_found" });

    const named = await checkedTenant({ salesforce: { assignmentRuleId: "01Q000000000001RUL" } });
    expect(byId((await check(named.tenantId)).answer, "salesforce.assignment")).toMatchObject({ status: "ok", code: "rule_found" });
  });

  it("salesforce.assignment: without a rule id, an active Lead rule is expected (a warning otherwise)", async () => {
    const none = await checkedTenant({ org: { assignmentRules: [{ Name: "Old", Active: false }] } });
    const answer = (await check(none.tenantId)).answer;
    expect(byId(answer, "salesforce.assignment")).toMatchObject({ status: "warning", code: "no_active_rule" });
    expect(answer.ok).toBe(true);
  });

  it("salesforce.api_usage warns when less than 20 % of the daily allowance is left", async () => {
    const t = await checkedTenant();
    await sfFaults(t.org, { apiUsed: 85_000 });
    const usage = byId((await check(t.tenantId)).answer, "salesforce.api_usage");
    expect(usage).toMatchObject({ status: "warning", code: "api_allowance_low" });
    expect(usage.message).toMatch(/^14999 of the org's 100000 daily API calls left \(15 %\)/);

    await sfFaults(t.org, { apiUsed: 75_000 });
    expect(byId((await check(t.tenantId)).answer, "salesforce.api_usage")).toMatchObject({ status: "ok", code: "api_allowance" });
  });
});

describe("preflight: chat-to-call provider, without placing a call", () => {
  const genesys = (secret: string) => async (name: string) => {
    await account(name, { secret: "genesys-right-secret" });
    return { type: "genesys", apiUrl: `${cc()}/genesys`, loginUrl: `${cc()}/genesys`, clientId: name, clientSecret: secret, queueId: "queue-1" };
  };

  it("Genesys: a bad client secret fails escalation.provider, naming the settings", async () => {
    const t = await checkedTenant({ provider: genesys("genesys-bad-secret") });
    const { text, answer } = await check(t.tenantId);
    const provider = byId(answer, "escalation.provider");
    expect(provider).toMatchObject({ status: "failed", code: "credentials_refused" });
    expect(provider.hint).toContain("escalation.provider.clientSecret");
    expect(text).not.toContain("genesys-bad-secret");
    expect(text).not.toContain("genesys-right-secret");

    const good = await checkedTenant({ provider: genesys("genesys-right-secret") });
    expect(byId((await check(good.tenantId)).answer, "escalation.provider")).toMatchObject({ status: "ok", code: "credentials_accepted" });
  });

  it("webhook: a refused ping fails escalation.provider", async () => {
    const refusing = await checkedTenant({
      provider: async (name) => {
        await account(name, { secret: "hook-secret-1", pingStatus: 400 });
        return { type: "webhook", url: `${cc()}/webhook/${name}`, secret: "hook-secret-1" };
      },
    });
    const refused = byId((await check(refusing.tenantId)).answer, "escalation.provider");
    expect(refused).toMatchObject({ status: "failed", code: "http_400" });
    expect(refused.hint).toContain("escalation.provider.url");
  });

  it("webhook: a refused signature fails escalation.provider, and no callback is recorded", async () => {
    const badSignature = await checkedTenant({
      provider: async (name) => {
        await account(name, { secret: "hook-secret-2" });
        return { type: "webhook", url: `${cc()}/webhook/${name}`, secret: "hook-secret-other" };
      },
    });
    const { text, answer } = await check(badSignature.tenantId);
    expect(byId(answer, "escalation.provider")).toMatchObject({ status: "failed", code: "signature_refused" });
    expect(byId(answer, "escalation.provider").hint).toContain("escalation.provider.secret");
    expect(text).not.toContain("hook-secret");
    const callbacks = (await (await fetch(`${cc()}/__emulator/callbacks`)).json()) as unknown[];
    expect(callbacks.filter((c) => JSON.stringify(c).includes(badSignature.tenantId))).toEqual([]);
  });

  it("Twilio: a suspended account fails escalation.provider", async () => {
    const sid = `AC${crypto.randomUUID().replaceAll("-", "")}`;
    const twilio = await checkedTenant({
      provider: async () => {
        await account(sid, { secret: "tw-token", status: "suspended" });
        return { type: "twilio", apiUrl: `${cc()}/twilio`, accountSid: sid, authToken: "tw-token", from: "+33100000000", twimlUrl: "https://example.com/twiml" };
      },
    });
    expect(byId((await check(twilio.tenantId)).answer, "escalation.provider")).toMatchObject({ status: "failed", code: "account_not_active" });
  });

  it("Talkdesk: a token with the scope callback:write passes escalation.provider", async () => {
    const talkdesk = await checkedTenant({
      provider: async (name) => {
        await account(name, { secret: "td-secret" });
        return { type: "talkdesk", apiUrl: `${cc()}/talkdesk`, tokenUrl: `${cc()}/talkdesk/oauth/token`, clientId: name, clientSecret: "td-secret", talkdeskPhoneNumber: "+33100000000" };
      },
    });
    expect(byId((await check(talkdesk.tenantId)).answer, "escalation.provider")).toMatchObject({ status: "ok" });
  });

  it("Aircall: an unknown userId fails escalation.provider", async () => {
    const aircall = await checkedTenant({
      provider: async (name) => {
        await account(name, { secret: "ac-token", users: [7] });
        return { type: "aircall", apiUrl: `${cc()}/aircall`, apiId: name, apiToken: "ac-token", userId: 8, numberId: 1 };
      },
    });
    expect(byId((await check(aircall.tenantId)).answer, "escalation.provider")).toMatchObject({ status: "failed", code: "user_not_found" });
  });
});

describe("preflight: bounds and errors", () => {
  it("a check is bounded by the deadline the request gives, and the others still answer", async () => {
    const t = await checkedTenant({
      provider: async (name) => {
        await account(name, { secret: "slow-secret", delayMs: 10_000 });
        return { type: "webhook", url: `${cc()}/webhook/${name}`, secret: "slow-secret" };
      },
    });
    const started = Date.now();
    const { answer } = await check(t.tenantId, { timeoutMs: 400 });
    expect(Date.now() - started).toBeLessThan(9000);
    expect(byId(answer, "escalation.provider")).toMatchObject({ status: "failed", code: "timeout", message: "No answer within 400 ms." });
    expect(answer.ok).toBe(false);
  });

  it("answers 404 for an unknown tenant, 400 for a bad id or body, 401 without the admin token", async () => {
    expect((await admin("POST", "/tenants/ha-999999999/check")).status).toBe(404);
    expect((await admin("POST", "/tenants/nope/check")).status).toBe(400);
    const t = await checkedTenant();
    const bad = await admin("POST", `/tenants/${t.tenantId}/check`, { timeoutMs: 1 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
    expect((await admin("POST", `/tenants/${t.tenantId}/check`, undefined, null)).status).toBe(401);
  });
});
