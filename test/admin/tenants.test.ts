// The admin API for tenants: validation, authentication, and secrets that never come back.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin, tenantBody } from "../helpers/admin.ts";
import { uniqueTenantId } from "../helpers/ids.ts";

const SECRET_VALUES = ["api-user@acme.example", "iadvize-pa55word", "sf-client-secret-value"];
const uniqueTenant = () => uniqueTenantId();

function expectNoSecret(text: string) {
  for (const secret of SECRET_VALUES) expect(text).not.toContain(secret);
}

describe("tenants: happy path", () => {
  it("creates, shows, updates, lists and deletes a tenant without ever showing a secret", async () => {
    const id = uniqueTenant();
    const texts: string[] = [];

    const created = await admin("PUT", `/tenants/${id}`, tenantBody());
    texts.push(await created.clone().text());
    expect(created.status).toBe(201);
    const { tenant } = await created.json<{ tenant: { config: Record<string, unknown> } }>();
    expect(tenant.config).toMatchObject({
      name: "Acme Motors",
      iadvize: { username: { set: true }, password: { set: true } },
      salesforce: { auth: { type: "client_credentials", clientId: "3MVG9-client", clientSecret: { set: true } } },
      mapping: { Q1: { object: "Lead", field: "Vehicle__c", overwrite: false } },
    });

    const shown = await admin("GET", `/tenants/${id}`);
    texts.push(await shown.clone().text());
    expect(shown.status).toBe(200);
    const body = await shown.json<{ tenant: { config: unknown }; events: Record<string, number> }>();
    expect(body.events).toEqual({ received: 0, awaiting_tenant: 0, processed: 0, dead: 0 });

    // A GET's answer can be sent back as is: {"set": true} keeps the stored secrets.
    const edited = { ...(body.tenant.config as object), name: "Acme Motors France" };
    const updated = await admin("PUT", `/tenants/${id}`, edited);
    texts.push(await updated.clone().text());
    expect(updated.status).toBe(200);

    const listed = await admin("GET", "/tenants");
    texts.push(await listed.clone().text());
    const { tenants } = await listed.json<{ tenants: { id: string; config: { name: string } }[] }>();
    expect(tenants.find((t) => t.id === id)?.config.name).toBe("Acme Motors France");

    for (const text of texts) expectNoSecret(text);

    // The secrets kept through the round trip are the original ones, stored encrypted.
    const row = await env.DB.prepare("SELECT settings, secrets FROM tenants WHERE id = ?").bind(id).first<{ settings: string; secrets: string }>();
    expectNoSecret(row!.settings + row!.secrets);
    const { getTenantConfig } = await import("../../src/tenants/store.ts");
    const config = await getTenantConfig(env.DB, [env.ENCRYPTION_KEY!], id);
    expect(config?.iadvize).toEqual({ username: "api-user@acme.example", password: "iadvize-pa55word" });

    expect((await admin("DELETE", `/tenants/${id}`)).status).toBe(204);
    expect((await admin("GET", `/tenants/${id}`)).status).toBe(404);
    expect((await admin("DELETE", `/tenants/${id}`)).status).toBe(404);
  });

  it("replaces a secret when a new value is given", async () => {
    const id = uniqueTenant();
    await admin("PUT", `/tenants/${id}`, tenantBody());
    await admin("PUT", `/tenants/${id}`, tenantBody({ iadvize: { username: { set: true }, password: "rotated-password" } }));
    const { getTenantConfig } = await import("../../src/tenants/store.ts");
    const config = await getTenantConfig(env.DB, [env.ENCRYPTION_KEY!], id);
    expect(config?.iadvize?.password).toBe("rotated-password");
    expect(config?.iadvize?.username).toBe("api-user@acme.example");
  });
});

describe("tenants: errors", () => {
  it("401 without a token, with a wrong token, or with another scheme", async () => {
    for (const token of [null, "wrong-token-wrong-token", ""]) {
      const res = await admin("GET", "/tenants", undefined, token);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
    }
  });

  it("400 for a tenant id that is not platform-project", async () => {
    for (const id of ["123", "xx-1", "ha-", "ha-12a"]) {
      const res = await admin("PUT", `/tenants/${id}`, tenantBody());
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_request" } });
    }
  });

  it("400 naming the fields of an invalid configuration", async () => {
    const res = await admin(
      "PUT",
      `/tenants/${uniqueTenant()}`,
      tenantBody({ mapping: { Question1: { object: "Lead", field: "x y" } }, salesforce: { loginUrl: "not a url", auth: { type: "password" } } }),
    );
    expect(res.status).toBe(400);
    const body = await res.json<{ error: { details: { path: string }[] } }>();
    const paths = body.error.details.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["salesforce.loginUrl", "salesforce.auth.type"]));
    expect(paths.some((p) => p.startsWith("mapping"))).toBe(true);
  });

  it("400 for an unknown field, so a typo is not silently dropped", async () => {
    const res = await admin("PUT", `/tenants/${uniqueTenant()}`, tenantBody({ salesforceX: {} }));
    expect(res.status).toBe(400);
  });

  it("400 when a secret is to be kept but none is stored", async () => {
    const res = await admin("PUT", `/tenants/${uniqueTenant()}`, tenantBody({ iadvize: { username: { set: true }, password: { set: true } } }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_request" } });
  });

  it("400 for a body that is not JSON, 415 for another content type, 413 for a huge body", async () => {
    expect((await admin("PUT", `/tenants/${uniqueTenant()}`, "{nope")).status).toBe(400);
    const { exports } = await import("cloudflare:workers");
    const res = await exports.default.fetch(`https://connector.test/admin/api/tenants/${uniqueTenant()}`, {
      method: "PUT",
      headers: { authorization: "Bearer admin-token-for-tests-0123456789", "content-type": "text/plain" },
      body: "{}",
    });
    expect(res.status).toBe(415);
    const huge = await admin("PUT", `/tenants/${uniqueTenant()}`, tenantBody({ name: "x".repeat(100 * 1024) }));
    expect(huge.status).toBe(413);
  });

  it("404 with a JSON error for an unknown route", async () => {
    const res = await admin("GET", "/nothing-here");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
  });
});
