// Saving a tenant runs the checks that cost no call and returns what did not pass.
import { describe, expect, it } from "vitest";
import { admin } from "../helpers/admin.ts";
import { check, checkedTenant, CUSTOMER_FIELDS } from "../helpers/preflight.ts";
import { apiUsed } from "../helpers/salesforce.ts";
import { escalationTenant } from "../helpers/escalation.ts";
import { uniqueTenantId } from "../helpers/ids.ts";

interface Saved {
  warnings: { id: string; status: string; code: string; message: string }[];
}

const tenantId = () => uniqueTenantId();

describe("saving a tenant: the free checks", () => {
  it("a complete, good tenant saves without warnings", async () => {
    const t = await checkedTenant();
    const res = await admin("GET", `/tenants/${t.tenantId}`);
    const config = ((await res.json()) as { tenant: { config: Record<string, unknown> } }).tenant.config;
    const saved = await admin("PUT", `/tenants/${t.tenantId}`, config);
    expect(saved.status).toBe(200);
    expect(((await saved.json()) as Saved).warnings).toEqual([]);
  });

  it("warns of what is missing and of a field mapped twice", async () => {
    const t = await escalationTenant({}, undefined);
    const res = await admin("PUT", `/tenants/${t.tenantId}`, {
      escalation: ((await (await admin("GET", `/tenants/${t.tenantId}`)).json()) as { tenant: { config: { escalation: unknown } } }).tenant.config.escalation,
      mapping: { Q1: { object: "Lead", field: "Vehicle__c" }, Q2: { object: "Lead", field: "Vehicle__c" } },
    });
    expect(res.status).toBe(200);
    const { warnings } = (await res.json()) as Saved;
    expect(warnings.map((w) => [w.id, w.status, w.code])).toEqual([
      ["config.iadvize", "warning", "not_configured"],
      ["config.salesforce", "warning", "not_configured"],
      ["config.mapping", "warning", "field_mapped_twice"],
    ]);
    expect(warnings[2]?.message).toContain("Q1 and Q2 → Lead.Vehicle__c");
  });

  it("refuses a Salesforce URL without TLS before any check runs", async () => {
    const res = await admin("PUT", `/tenants/${tenantId()}`, {
      iadvize: { username: "api@acme.example", password: "pw-value" },
      salesforce: { loginUrl: "http://acme.my.salesforce.com", auth: { type: "client_credentials", clientId: "c", clientSecret: "s-secret-value" } },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("salesforce.loginUrl");
  });

  it("judges the mapping against the describe a check cached, without any Salesforce call", async () => {
    const readOnly = { name: "Score__c", type: "double", createable: false, updateable: false, nillable: true };
    const t = await checkedTenant({ org: { extraFields: { ...CUSTOMER_FIELDS, Lead: [...(CUSTOMER_FIELDS.Lead ?? []), readOnly] } } });
    await check(t.tenantId);
    const before = await apiUsed(t.org);
    const res = await admin("PUT", `/tenants/${t.tenantId}`, {
      ...(((await (await admin("GET", `/tenants/${t.tenantId}`)).json()) as { tenant: { config: Record<string, unknown> } }).tenant.config),
      mapping: { Q1: { object: "Lead", field: "Vehicle__c" }, Q5: { object: "Lead", field: "Score__c" } },
    });
    const { warnings } = (await res.json()) as Saved;
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ id: "salesforce.mapping", status: "failed", code: "mapping_invalid" });
    expect(warnings[0]?.message).toContain("Q5 → Lead.Score__c: read-only");
    expect(await apiUsed(t.org)).toBe(before);
  });
});
