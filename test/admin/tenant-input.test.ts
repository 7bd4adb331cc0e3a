// Admin input that was accepted and should not be: an empty tenant, a second id for one
// project, unknown countries, endpoints off https or off Salesforce, a key that cannot sign.
import { describe, expect, it } from "vitest";
import { admin, tenantBody } from "../helpers/admin.ts";
import { uniqueTenantId } from "../helpers/ids.ts";

const id = () => uniqueTenantId();
const escalation = (overrides: Record<string, unknown> = {}) => ({
  key: `esc_${crypto.randomUUID().replaceAll("-", "")}`,
  provider: { type: "webhook", url: "https://callcentre.acme.example/callbacks", secret: "s3cret" },
  defaultCountry: "FR",
  allowedCountries: ["FR"],
  ...overrides,
});

async function refused(path: string, body: unknown): Promise<string[]> {
  const res = await admin("PUT", path, body);
  expect(res.status).toBe(400);
  const answer = (await res.json()) as { error: { code: string; details?: { path: string }[] } };
  expect(answer.error.code).toBe("invalid_request");
  return (answer.error.details ?? []).map((d) => d.path);
}

describe("PUT /admin/api/tenants/:id refuses what cannot work", () => {
  it("refuses {} and a tenant with only a name or only Salesforce", async () => {
    await refused(`/tenants/${id()}`, {});
    await refused(`/tenants/${id()}`, { name: "Nothing" });
    expect(await refused(`/tenants/${id()}`, { salesforce: tenantBody().salesforce })).toEqual(["iadvize"]);
  });

  it("accepts the sync alone, or escalation alone", async () => {
    expect((await admin("PUT", `/tenants/${id()}`, tenantBody())).status).toBe(201);
    expect((await admin("PUT", `/tenants/${id()}`, { escalation: escalation() })).status).toBe(201);
  });

  it("accepts iAdvize alone as an install in progress, warning that Salesforce is missing", async () => {
    const res = await admin("PUT", `/tenants/${id()}`, { iadvize: tenantBody().iadvize });
    expect(res.status).toBe(201);
    const answer = (await res.json()) as { warnings: { id: string; status: string; code: string; hint?: string }[] };
    expect(answer.warnings).toContainEqual(expect.objectContaining({ id: "config.salesforce", status: "warning", code: "not_configured" }));
  });

  it("refuses leading zeros and project 0 in the tenant id, naming the right form", async () => {
    const res = await admin("PUT", "/tenants/ha-03291", tenantBody());
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("ha-3291");
    expect((await admin("PUT", "/tenants/ha-0", tenantBody())).status).toBe(400);
    expect((await admin("GET", "/tenants/ha-03291")).status).toBe(400);
  });

  it("refuses a country libphonenumber-js does not know", async () => {
    expect(await refused(`/tenants/${id()}`, { escalation: escalation({ defaultCountry: "XX" }) })).toEqual(["escalation.defaultCountry"]);
    expect(await refused(`/tenants/${id()}`, { escalation: escalation({ allowedCountries: ["FR", "ZZ"] }) })).toEqual(["escalation.allowedCountries.1"]);
  });

  it.each([
    "http://169.254.169.254/latest/meta-data",
    "http://acme.my.salesforce.com",
    "https://169.254.169.254",
    "https://login.salesforce.com.evil.example",
    "https://evil.example",
    "https://user:pw@acme.my.salesforce.com",
  ])("refuses the Salesforce loginUrl %s", async (loginUrl) => {
    const body = tenantBody({ salesforce: { ...tenantBody().salesforce, loginUrl } });
    expect(await refused(`/tenants/${id()}`, body)).toEqual(["salesforce.loginUrl"]);
  });

  it.each(["https://login.salesforce.com", "https://test.salesforce.com", "https://acme--uat.sandbox.my.salesforce.com", "https://acme.my.salesforce.com"])(
    "accepts the Salesforce loginUrl %s",
    async (loginUrl) => {
      expect((await admin("PUT", `/tenants/${id()}`, tenantBody({ salesforce: { ...tenantBody().salesforce, loginUrl } }))).status).toBe(201);
    },
  );

  it.each(["http://callcentre.acme.example/cb", "https://10.0.0.7/cb", "https://localhost/cb"])("refuses the provider URL %s", async (url) => {
    const body = { escalation: escalation({ provider: { type: "webhook", url, secret: "s" } }) };
    expect(await refused(`/tenants/${id()}`, body)).toEqual(["escalation.provider.url"]);
  });

  it("refuses a jwt_bearer key that does not parse as a PKCS#8 RSA key", async () => {
    const auth = { type: "jwt_bearer", clientId: "3MVG9-client", username: "int@acme.example", privateKey: "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----" };
    const body = tenantBody({ salesforce: { loginUrl: "https://login.salesforce.com", auth } });
    expect(await refused(`/tenants/${id()}`, body)).toEqual(["salesforce.auth.privateKey"]);
  });
});
