// Calls the admin API as an administrator would.
import { exports } from "cloudflare:workers";
import { ADMIN_TOKEN } from "./secrets.ts";
import { BASE } from "./webhook.ts";

export function admin(method: string, path: string, body?: unknown, token: string | null = ADMIN_TOKEN): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  return exports.default.fetch(`${BASE}/admin/api${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });
}

/** A complete tenant configuration, as an admin would PUT it. */
export function tenantBody(overrides: Record<string, unknown> = {}) {
  return {
    name: "Acme Motors",
    iadvize: { username: "api-user@acme.example", password: "iadvize-pa55word" },
    salesforce: {
      loginUrl: "https://acme.my.salesforce.com",
      auth: { type: "client_credentials", clientId: "3MVG9-client", clientSecret: "sf-client-secret-value" },
    },
    mapping: { Q1: { object: "Lead", field: "Vehicle__c" }, Q2: { object: "Lead", field: "Engine__c", overwrite: true } },
    ...overrides,
  };
}
