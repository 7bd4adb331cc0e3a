// A save refused because another tenant holds a key or a sender number leaves nothing
// behind: neither the new configuration nor a new tenant.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin } from "../helpers/admin.ts";
import { deflectionTenant } from "../helpers/deflection.ts";
import { escalationTenant } from "../helpers/escalation.ts";
import { surveysConfig, surveyTenant } from "../helpers/surveys.ts";
import { uniqueTenantId } from "../helpers/ids.ts";

interface TenantView {
  tenant: { config: { surveys?: { provider: { from: string } }; escalation?: { defaultCountry: string } } };
}

describe("a refused save writes nothing", () => {
  it("another tenant's sender number: the tenant keeps its own, a new tenant is not created", async () => {
    const a = await surveyTenant();
    const b = await surveyTenant();
    const res = await admin("PUT", `/tenants/${b.tenantId}`, { surveys: surveysConfig({ ...b, from: a.from }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("sender number");
    const kept = (await (await admin("GET", `/tenants/${b.tenantId}`)).json()) as TenantView;
    expect(kept.tenant.config.surveys?.provider.from).toBe(b.from);

    const fresh = uniqueTenantId();
    const refused = await admin("PUT", `/tenants/${fresh}`, { surveys: surveysConfig({ ...b, from: a.from }) });
    expect(refused.status).toBe(400);
    expect((await admin("GET", `/tenants/${fresh}`)).status).toBe(404);
  });

  it("another tenant's escalation key: the tenant's settings are unchanged", async () => {
    const a = await escalationTenant();
    const b = await escalationTenant();
    const before = (await (await admin("GET", `/tenants/${b.tenantId}`)).json()) as TenantView;
    const res = await admin("PUT", `/tenants/${b.tenantId}`, {
      escalation: { ...before.tenant.config.escalation, key: a.key, defaultCountry: "BE" },
    });
    expect(res.status).toBe(400);
    const after = (await (await admin("GET", `/tenants/${b.tenantId}`)).json()) as TenantView;
    expect(after.tenant.config.escalation?.defaultCountry).toBe("FR");
  });

  it("a delete stopped between the tenant's row and its routing (the directory is another database) is done again: the keys are freed", async () => {
    const t = await deflectionTenant();
    // What a crash after the first of the delete's two writes leaves: no tenant, its key still routed.
    await env.DB.prepare(`DELETE FROM tenants WHERE id = ?1`).bind(t.tenantId).run();
    expect((await admin("DELETE", `/tenants/${t.tenantId}`)).status).toBe(404);
    const other = await admin("PUT", `/tenants/${uniqueTenantId()}`, { deflection: { key: t.key, provider: { type: "webhook", url: "https://ivr.acme.example/hook", secret: "s" }, defaultCountry: "FR", allowedCountries: ["FR"] } });
    expect(other.status).toBe(201);
  });
});
