// The admin's view of call to messaging: the last 30 days counted by what the IVR was told,
// the audit without numbers or texts, the OpenAPI description, and the key's lifecycle.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin } from "../helpers/admin.ts";
import { ask, deflect, deflectionTenant, LANDLINE, mobile } from "../helpers/deflection.ts";
import { BASE } from "../helpers/webhook.ts";
import { uniqueTenantId } from "../helpers/ids.ts";

describe("deflection: admin", () => {
  it("counts the last 30 days by outcome, like escalations, and lists them without a number or a reason's text", async () => {
    const phone = mobile();
    const t = await deflectionTenant("webhook", { perNumberPerDay: 1 }, { unreachable: [] });
    await ask(t.key, { phone, optIn: true, reason: "my secret reason" });
    await ask(t.key, { phone, optIn: true });
    await ask(t.key, { phone: mobile() });
    await ask(t.key, { phone: LANDLINE, optIn: true });
    await ask(t.key, { phone: "12", optIn: true });
    const view = await (await admin("GET", `/tenants/${t.tenantId}`)).json<{ deflectionsLast30Days: Record<string, number>; escalationsLast30Days: Record<string, number> }>();
    expect(view.deflectionsLast30Days).toEqual({ sent: 1, rate_limited: 1, consent_required: 1, not_mobile: 1, invalid_phone: 1 });
    expect(view.escalationsLast30Days).toEqual({});
    const audit = await (await admin("GET", `/tenants/${t.tenantId}/deflections`)).text();
    expect(audit).not.toContain(phone.slice(3));
    expect(audit).not.toContain("my secret reason");
    expect(JSON.parse(audit).deflections).toHaveLength(5);
  });

  it("never shows the key, frees it when the tenant goes, and refuses a key another tenant holds", async () => {
    const t = await deflectionTenant();
    const shown = await (await admin("GET", `/tenants/${t.tenantId}`)).json<{ tenant: { config: { deflection: { key: unknown } } } }>();
    expect(shown.tenant.config.deflection.key).toEqual({ set: true });
    const other = await admin("PUT", `/tenants/${uniqueTenantId()}`, { deflection: { key: t.key, provider: { type: "webhook", url: "https://ivr.acme.example/hook", secret: "s" }, defaultCountry: "FR", allowedCountries: ["FR"] } });
    expect(other.status).toBe(400);
    expect(await other.text()).toContain("deflection key is already used");
    expect((await admin("DELETE", `/tenants/${t.tenantId}`)).status).toBe(204);
    expect((await deflect(t.key, { phone: mobile(), optIn: true })).status).toBe(404);
  });

  it("refuses a short key, a template SID that is not one, and a precedence naming a platform twice, with their paths", async () => {
    const res = await admin("PUT", `/tenants/${uniqueTenantId()}`, {
      deflection: {
        key: "short",
        provider: { type: "twilio", accountSid: `AC${"0".repeat(32)}`, authToken: "t", from: "+33757000000", whatsapp: { from: "+33757000001", contentSid: "template-1" } },
        channels: [{ platform: "SMS" }, { platform: "SMS" }],
        defaultCountry: "FR",
        allowedCountries: ["FR"],
      },
    });
    expect(res.status).toBe(400);
    const paths = (await res.json<{ error: { details: { path: string }[] } }>()).error.details.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["deflection.key", "deflection.provider.whatsapp.contentSid", "deflection.channels"]));
  });

  it("serves its OpenAPI description: the two routes, the answer's statuses and channels", async () => {
    const doc = await (await exports.default.fetch(`${BASE}/deflections/openapi.json`)).json<{ paths: Record<string, unknown>; components: { schemas: Record<string, { properties: Record<string, { enum?: string[] }> }> } }>();
    expect(Object.keys(doc.paths).sort()).toEqual(["/deflections", "/deflections/{key}"]);
    expect(doc.components.schemas.DeflectionAnswer?.properties.status?.enum).toEqual(["sent", "pending", "invalid_phone", "not_mobile", "consent_required", "rate_limited", "rejected"]);
    expect(doc.components.schemas.DeflectionAnswer?.properties.channel?.enum).toEqual(["AppleMessages", "GoogleMessages", "WhatsApp", "SMS"]);
  });
});
