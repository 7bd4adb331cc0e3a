// Drives the Salesforce emulator from tests: an org per test, seeded records, faults, stats.
import { env } from "cloudflare:workers";
import { SalesforceApi } from "../../src/salesforce/api.ts";
import { salesforceLogin } from "../../src/salesforce/auth.ts";
import { TenantConfig } from "../../src/tenants/schema.ts";
import { CUSTOMER_FIELDS } from "../emulators/salesforce/seed.ts";

const base = () => env.TEST_SALESFORCE_URL;

async function control(path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base()}/__emulator${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`salesforce emulator ${path}: ${res.status}`);
  return res.json();
}

export interface TestOrg {
  id: string;
  clientId: string;
  clientSecret: string;
}

export async function newOrg(options: Record<string, unknown> = {}): Promise<TestOrg> {
  const id = crypto.randomUUID().slice(0, 8);
  const org = { id, clientId: `client-${id}`, clientSecret: `secret-${id}` };
  await control("/orgs", { ...org, extraFields: CUSTOMER_FIELDS, ...options });
  return org;
}

export const seedRecord = (org: TestOrg, object: string, fields: Record<string, unknown>) =>
  control(`/orgs/${org.id}/records`, { object, fields }) as Promise<{ Id: string } & Record<string, unknown>>;
export const records = (org: TestOrg, object: string) => control(`/orgs/${org.id}/records/${object}`) as Promise<(Record<string, unknown> & { Id: string })[]>;
export const apiUsed = async (org: TestOrg) => ((await control(`/orgs/${org.id}/stats`)) as { apiUsed: number }).apiUsed;
export const sfFaults = (org: TestOrg, faults: Record<string, unknown>) => control(`/orgs/${org.id}/faults`, faults);
export const expireSfTokens = (org: TestOrg) => control(`/orgs/${org.id}/expire-tokens`, {});
/** Deletes a field (or, without one, an object) from the org, as an administrator might. */
export const dropFromOrg = (org: TestOrg, object: string, field?: string) => control(`/orgs/${org.id}/drop`, { object, ...(field ? { field } : {}) });

/** The connector's API object for an org, with a tenant id of its own and no real sleeps. */
export function testApi(org: TestOrg, tenantId = `ha-${Math.floor(Math.random() * 1e9)}`): SalesforceApi {
  const settings = TenantConfig.parse({ salesforce: salesforceSettings(org) }).salesforce;
  if (!settings) throw new Error("no salesforce settings");
  const retry = { fetch: (i: RequestInfo | URL, init?: RequestInit) => fetch(i, init), sleep: async () => undefined };
  return new SalesforceApi(tenantId, {
    db: env.DB,
    keys: [env.ENCRYPTION_KEY ?? ""],
    now: () => Date.now(),
    sleep: async () => undefined,
    login: () => salesforceLogin(retry, settings, Date.now()),
  });
}

export function salesforceSettings(org: TestOrg, extra: Record<string, unknown> = {}) {
  return { loginUrl: base(), auth: { type: "client_credentials", clientId: org.clientId, clientSecret: org.clientSecret }, ...extra };
}
