// Drives the Salesforce emulator from tests: an org per test, seeded records, faults, stats.
import { env } from "cloudflare:workers";
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

export function salesforceSettings(org: TestOrg, extra: Record<string, unknown> = {}) {
  return { loginUrl: base(), auth: { type: "client_credentials", clientId: org.clientId, clientSecret: org.clientSecret }, ...extra };
}
