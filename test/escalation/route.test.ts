// The escalation endpoint as a bot calls it: each outcome, the inputs, the key, the
// repeat window, the limits, and never a 500.
import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { account, ask, callback, cc, escalationTenant, received, row } from "../helpers/escalation.ts";
import { BASE } from "../helpers/webhook.ts";

afterEach(() => vi.restoreAllMocks());

describe("escalation: scheduled", () => {
  it("asks the platform for a callback and tells the visitor, in French by default", async () => {
    const t = await escalationTenant();
    const a = await ask(t.key, { phone: "06 12 34 56 78", conversationId: "c0nv-1", visitorName: "Jane", reason: "test drive" });
    expect(a).toMatchObject({ status: "scheduled", phone: "+33 6 12 34 56 78", message: "C'est noté : un conseiller va vous rappeler au +33 6 12 34 56 78." });
    const calls = await received(t.account);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ phone: "+33612345678", body: { id: a.escalationId, visitorName: "Jane", reason: "test drive", conversationId: "c0nv-1", language: "fr" } });
    expect(a.callbackId).toBe(calls[0]?.reference);
    const r = await row(a.escalationId);
    expect(r).toMatchObject({ status: "scheduled", provider: "webhook", provider_ref: a.callbackId, conversation_id: "c0nv-1", country: "FR" });
    // The number and the name are sealed in D1.
    expect(JSON.stringify(r)).not.toMatch(/612345678|Jane/);
  });

  it("takes inputs from a JSON body, a form body (PUT), or with the key as a bearer token", async () => {
    const t = await escalationTenant();
    expect((await ask(t.key, { phone: "+32 470 12 34 56", language: "en" }, { method: "POST" })).status).toBe("scheduled");
    expect((await ask(t.key, { phone: "0612345679" }, { method: "PUT", form: true })).status).toBe("scheduled");
    const viaBearer = await ask(t.key, { phone: "0612345670", lang: "en-GB" }, { bearer: true });
    expect(viaBearer).toMatchObject({ status: "scheduled", message: "Done: an advisor will call you back on +33 6 12 34 56 70." });
  });
});

describe("escalation: the number", () => {
  it.each([
    ["", "empty"],
    ["my number", "not_a_number"],
    ["06 12", "too_short"],
    ["06 12 34 56 78 99", "too_long"],
    ["+44 20 7946 0958", "country_not_served"],
    ["08 99 12 34 56", "number_type_not_allowed"],
  ])("%j is invalid_phone (%s), with a sentence that lets the visitor correct it", async (phone, reason) => {
    const t = await escalationTenant();
    const a = await ask(t.key, { phone, language: "en" });
    expect(a.status).toBe("invalid_phone");
    expect(a.reason).toBe(reason);
    expect(a.message.length).toBeGreaterThan(20);
    expect(await received(t.account)).toHaveLength(0);
  });

  it("a national number valid in two served countries is ambiguous: the bot asks for the international form", async () => {
    const t = await escalationTenant();
    const fr = await ask(t.key, { phone: "0450 00 12 34" });
    expect(fr).toMatchObject({ status: "invalid_phone", reason: "ambiguous_country" });
    expect(fr.message).toBe("Ce numéro existe dans plusieurs pays. Pouvez-vous l'écrire avec l'indicatif du pays, par exemple +33 4 50 00 12 34 ou +32 450 00 12 34 ?");
    expect((await ask(t.key, { phone: "0450 00 12 34", language: "en" })).message).toBe(
      "That number exists in more than one country. Could you type it with the country code, for example +33 4 50 00 12 34 or +32 450 00 12 34?",
    );
    expect(await received(t.account)).toHaveLength(0);
    const intl = await ask(t.key, { phone: "+32 450 00 12 34" });
    expect(intl).toMatchObject({ status: "scheduled", phone: "+32 450 00 12 34" });
    expect((await received(t.account))[0]?.phone).toBe("+32450001234");
  });

  it("a mobile of a country not served, typed nationally, is country_not_served", async () => {
    const t = await escalationTenant();
    expect(await ask(t.key, { phone: "07400 123456" })).toMatchObject({ status: "invalid_phone", reason: "country_not_served" });
  });

  it("an extension goes to a platform that dials one, and is refused clearly where it cannot", async () => {
    const t = await escalationTenant();
    const a = await ask(t.key, { phone: "06 11 22 33 51 ext 123" });
    expect(a).toMatchObject({ status: "scheduled", phone: "+33 6 11 22 33 51 ext. 123" });
    expect((await received(t.account))[0]?.body).toMatchObject({ phone: "+33611223351", extension: "123" });

    const aircall = await escalationTenant({}, async (acct) => {
      await account(acct, { secret: "ac" });
      return { type: "aircall", apiUrl: `${cc()}/aircall`, apiId: acct, apiToken: "ac", userId: 1, numberId: 2 };
    });
    const refused = await ask(aircall.key, { phone: "06 11 22 33 51 ext 123", language: "en" });
    expect(refused).toMatchObject({ status: "invalid_phone", reason: "extension_not_supported", message: "Our call platform cannot dial an extension. Do you have a direct number we can reach you on?" });
    expect(await received(aircall.account)).toHaveLength(0);
    expect((await ask(aircall.key, { phone: "06 11 22 33 51" })).status).toBe("scheduled");
  });

  it("passes on the platform's refusal of the number", async () => {
    const t = await escalationTenant();
    await account(t.account, { refuseNumbers: ["+33612345678"] });
    expect(await ask(t.key, { phone: "0612345678" })).toMatchObject({ status: "invalid_phone", reason: "number_refused" });
  });

  it("uses the tenant's own texts", async () => {
    const t = await escalationTenant({ messages: { fr: { too_short: "Il manque des chiffres !" } } });
    expect((await ask(t.key, { phone: "0612" })).message).toBe("Il manque des chiffres !");
  });
});

describe("escalation: consent", () => {
  it("refuses without consent when the tenant requires it, and records it when given", async () => {
    const t = await escalationTenant({ requireConsent: true });
    expect(await ask(t.key, { phone: "0612345678" })).toMatchObject({ status: "rejected", reason: "consent_required" });
    expect(await ask(t.key, { phone: "0612345678", consent: "non" })).toMatchObject({ status: "rejected", reason: "consent_required" });
    const a = await ask(t.key, { phone: "0612345678", consent: "oui" });
    expect(a.status).toBe("scheduled");
    expect((await row(a.escalationId))?.consent).toBe(1);
  });
});

describe("escalation: one callback per request", () => {
  it("a bot retrying the same request gets the same answer and makes no second call", async () => {
    const t = await escalationTenant();
    const first = await ask(t.key, { phone: "0612345678", conversationId: "conv-a" });
    const again = await ask(t.key, { phone: "+33 6 12 34 56 78", conversationId: "conv-a" });
    expect(again).toEqual(first);
    expect(await received(t.account)).toHaveLength(1);
  });

  it("concurrent repeats make one call", async () => {
    const t = await escalationTenant();
    const answers = await Promise.all(Array.from({ length: 5 }, () => ask(t.key, { phone: "0612345678", conversationId: "conv-b" })));
    expect(new Set(answers.map((a) => a.escalationId)).size).toBe(1);
    expect(await received(t.account)).toHaveLength(1);
  });
});

describe("escalation: rate limits", () => {
  it("per number and day", async () => {
    const t = await escalationTenant({ perNumberPerDay: 2 });
    expect((await ask(t.key, { phone: "0612345678", conversationId: "1" })).status).toBe("scheduled");
    expect((await ask(t.key, { phone: "0612345678", conversationId: "2" })).status).toBe("scheduled");
    expect(await ask(t.key, { phone: "0612345678", conversationId: "3" })).toMatchObject({ status: "rejected", reason: "rate_limited" });
    expect((await ask(t.key, { phone: "0612345679", conversationId: "4" })).status).toBe("scheduled");
    expect(await received(t.account)).toHaveLength(3);
  });

  it("per tenant and minute", async () => {
    const t = await escalationTenant({ perTenantPerMinute: 2 });
    await ask(t.key, { phone: "0612345671" });
    await ask(t.key, { phone: "0612345672" });
    expect(await ask(t.key, { phone: "0612345673" })).toMatchObject({ status: "rejected", reason: "rate_limited" });
  });
});

describe("escalation: methods", () => {
  it("HEAD never places a callback, nor records one: 405", async () => {
    const { exports } = await import("cloudflare:workers");
    const t = await escalationTenant();
    for (const path of [`/escalations/${t.key}/callback?phone=0612345678`, `/escalations/callback?phone=0612345678`]) {
      const res = await exports.default.fetch(`${BASE}${path}`, { method: "HEAD", headers: { authorization: `Bearer ${t.key}` } });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, POST, PUT");
    }
    expect(await received(t.account)).toHaveLength(0);
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM escalations WHERE tenant_id = ?").bind(t.tenantId).first<number>("n");
    expect(rows).toBe(0);
  });

  it.each(["DELETE", "PATCH", "OPTIONS"])("%s answers 405 with the JSON error", async (method) => {
    const { exports } = await import("cloudflare:workers");
    const t = await escalationTenant();
    const res = await exports.default.fetch(`${BASE}/escalations/${t.key}/callback?phone=0612345678`, { method });
    expect(res.status).toBe(405);
    expect(await res.json()).toMatchObject({ error: { code: "method_not_allowed" } });
    expect(await received(t.account)).toHaveLength(0);
  });
});

describe("escalation: the platform refuses the connector's credentials", () => {
  it("a Genesys token refused is rejected at once, never retried, and named in the audit", async () => {
    const { admin } = await import("../helpers/admin.ts");
    const t = await escalationTenant({}, async (acct) => {
      await account(acct, { secret: "right" });
      return { type: "genesys", apiUrl: `${cc()}/genesys`, loginUrl: `${cc()}/genesys`, clientId: acct, clientSecret: "wrong", queueId: "q" };
    });
    const send = vi.spyOn(env.ESCALATION_QUEUE, "send");
    const a = await ask(t.key, { phone: "0612345678" });
    expect(a).toMatchObject({ status: "rejected", reason: "provider_refused" });
    expect(send).not.toHaveBeenCalled();
    const { escalations } = await (await admin("GET", `/tenants/${t.tenantId}/escalations`)).json<{ escalations: Record<string, unknown>[] }>();
    expect(escalations).toEqual([expect.objectContaining({ outcome: "rejected", status: "rejected", reason: "provider_auth_failed", attempts: 1 })]);
  });

  it("Twilio's geographic permissions refusal is provider_misconfigured, not the visitor's number", async () => {
    const { admin } = await import("../helpers/admin.ts");
    const sid = `AC${crypto.randomUUID().replaceAll("-", "")}`;
    const t = await escalationTenant({}, async () => {
      await account(sid, { secret: "tw", geoPermissions: ["+1"] });
      return { type: "twilio", apiUrl: `${cc()}/twilio`, accountSid: sid, authToken: "tw", from: "+33987654321", twimlUrl: "https://acme.example/twiml" };
    });
    expect(await ask(t.key, { phone: "0612345678" })).toMatchObject({ status: "rejected", reason: "provider_refused" });
    const { escalations } = await (await admin("GET", `/tenants/${t.tenantId}/escalations`)).json<{ escalations: Record<string, unknown>[] }>();
    expect(escalations[0]).toMatchObject({ outcome: "rejected", reason: "provider_misconfigured" });
  });
});

describe("escalation: bad requests", () => {
  it("401 without a key, 404 for an unknown key", async () => {
    const { exports } = await import("cloudflare:workers");
    const missing = await exports.default.fetch(`${BASE}/escalations/callback?phone=0612345678`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { code: "unauthorized" } });
    const unknown = await callback("not-a-key", { phone: "0612345678" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("400 for a request with no phone input at all, or a body that is not JSON", async () => {
    const t = await escalationTenant();
    const res = await callback(t.key, { conversationId: "x" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_request", details: [{ path: "phone" }] } });
    const { exports } = await import("cloudflare:workers");
    const bad = await exports.default.fetch(`${BASE}/escalations/${t.key}/callback`, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(bad.status).toBe(400);
  });

  it("never logs the number", async () => {
    const lines: string[] = [];
    for (const level of ["log", "warn", "error"] as const) vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    const t = await escalationTenant();
    await ask(t.key, { phone: "06 12 34 56 78", visitorName: "Jane Doe" });
    await ask(t.key, { phone: "0612" });
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toMatch(/12.?34.?56|Jane/);
  });

  it("D1 failing at any of its statements: a JSON 503 storage_unavailable, never a 500", async () => {
    const t = await escalationTenant();
    const realPrepare = env.DB.prepare.bind(env.DB);
    let failing = false;
    let recorded = false;
    for (let healthyStatements = 0; healthyStatements < 40; healthyStatements++) {
      let prepared = 0;
      // From the (n+1)th statement on, D1 answers as when it is down: each statement is refused by D1 itself.
      const prepare = vi.spyOn(env.DB, "prepare").mockImplementation((sql: string) => realPrepare(prepared++ < healthyStatements ? sql : "SELECT * FROM d1_is_down"));
      const res = await callback(t.key, { phone: `06 12 34 ${String(10 + healthyStatements).padStart(2, "0")} 78`, conversationId: `c-${healthyStatements}` });
      prepare.mockRestore();
      if (res.status === 200) {
        recorded = true;
        break;
      }
      failing = true;
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: { code: "storage_unavailable", message: expect.any(String) } });
    }
    expect(failing).toBe(true);
    expect(recorded).toBe(true);
  });

  it("serves its OpenAPI description", async () => {
    const { exports } = await import("cloudflare:workers");
    const res = await exports.default.fetch(`${BASE}/escalations/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/escalations/{key}/callback");
  });

  it("refuses a key shorter than 24 characters at configuration", async () => {
    const { admin } = await import("../helpers/admin.ts");
    const res = await admin("PUT", "/tenants/ha-77", { escalation: { key: "short", provider: { type: "webhook", url: "https://x.example", secret: "s" }, defaultCountry: "FR", allowedCountries: ["FR"] } });
    expect(res.status).toBe(400);
  });
});

describe("escalation: audit", () => {
  it("the admin API lists and counts escalations, without numbers", async () => {
    const { admin } = await import("../helpers/admin.ts");
    const t = await escalationTenant();
    await ask(t.key, { phone: "0612345678", conversationId: "conv-audit", consent: "yes" });
    await ask(t.key, { phone: "0612" });
    const list = await admin("GET", `/tenants/${t.tenantId}/escalations`);
    const text = await list.clone().text();
    expect(text).not.toMatch(/612345678/);
    const { escalations } = await list.json<{ escalations: Record<string, unknown>[] }>();
    expect(escalations).toHaveLength(2);
    expect(escalations.find((e) => e.status === "scheduled")).toMatchObject({ outcome: "scheduled", conversationId: "conv-audit", provider: "webhook", country: "FR", consent: true, attempts: 1 });
    // The outcome the bot saw, not the row's internal status.
    expect(escalations.find((e) => e.status === "rejected")).toMatchObject({ outcome: "invalid_phone", reason: "too_short", country: null, attempts: 0 });
    const view = await (await admin("GET", `/tenants/${t.tenantId}`)).json<{ escalationsLast30Days: Record<string, number> }>();
    expect(view.escalationsLast30Days).toEqual({ scheduled: 1, invalid_phone: 1 });
    expect((await admin("GET", `/tenants/${t.tenantId}/escalations?since=yesterday`)).status).toBe(400);
  });
});
