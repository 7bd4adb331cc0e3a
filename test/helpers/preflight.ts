// A tenant fully set up against the emulators (its own iAdvize user, Salesforce org and
// call-centre account), and the preflight as an administrator runs it.
import { env } from "cloudflare:workers";
import { CUSTOMER_FIELDS, DEMO_MAPPING } from "../emulators/salesforce/seed.ts";
import { admin } from "./admin.ts";
import { account, cc } from "./escalation.ts";
import { newOrg, salesforceSettings } from "./salesforce.ts";
import type { TestOrg } from "./salesforce.ts";
import { uniqueProjectId } from "./ids.ts";

export interface CheckedTenant {
  tenantId: string;
  projectId: number;
  user: { username: string; password: string };
  org: TestOrg;
  /** Every secret the tenant was saved with: none may appear in an answer. */
  secrets: string[];
}

export interface CheckAnswer {
  ok: boolean;
  checkedAt: string;
  checks: { id: string; status: string; code: string; message: string; hint?: string }[];
}

export async function iadvizeUser(projects?: number[]): Promise<{ username: string; password: string }> {
  const user = { username: `api-${crypto.randomUUID()}@acme.example`, password: `pw-${crypto.randomUUID()}` };
  const res = await fetch(`${env.IADVIZE_API_URL}/__emulator/users`, { method: "POST", body: JSON.stringify({ ...user, ...(projects ? { projects } : {}) }) });
  if (!res.ok) throw new Error(`iadvize emulator: ${res.status}`);
  return user;
}

export async function checkedTenant(
  opts: {
    org?: Record<string, unknown>;
    salesforce?: Record<string, unknown>;
    mapping?: Record<string, unknown>;
    password?: string;
    projects?: (projectId: number) => number[];
    provider?: (name: string) => Promise<Record<string, unknown>>;
  } = {},
): Promise<CheckedTenant> {
  const projectId = uniqueProjectId();
  const tenantId = `ha-${projectId}`;
  const user = await iadvizeUser(opts.projects?.(projectId));
  const org = await newOrg(opts.org);
  const name = `acct-${crypto.randomUUID().slice(0, 8)}`;
  const secret = `whsec-${crypto.randomUUID()}`;
  const provider = opts.provider ? await opts.provider(name) : (await account(name, { secret }), { type: "webhook", url: `${cc()}/webhook/${name}`, secret });
  const key = `esc_${crypto.randomUUID().replaceAll("-", "")}`;
  const password = opts.password ?? user.password;
  const res = await admin("PUT", `/tenants/${tenantId}`, {
    name: "Preflight test",
    iadvize: { username: user.username, password },
    salesforce: salesforceSettings(org, opts.salesforce),
    mapping: opts.mapping ?? DEMO_MAPPING,
    escalation: { key, provider, defaultCountry: "FR", allowedCountries: ["FR"] },
  });
  if (res.status !== 201) throw new Error(`tenant setup: ${res.status} ${await res.text()}`);
  const providerSecrets = ["secret", "clientSecret", "authToken", "apiToken"].map((k) => provider[k]).filter((v): v is string => typeof v === "string");
  return { tenantId, projectId, user, org, secrets: [user.username, user.password, password, org.clientSecret, key, secret, ...providerSecrets] };
}

export async function check(tenantId: string, body?: unknown): Promise<{ status: number; text: string; answer: CheckAnswer }> {
  const res = await admin("POST", `/tenants/${tenantId}/check`, body);
  const text = await res.text();
  return { status: res.status, text, answer: JSON.parse(text) as CheckAnswer };
}

export const byId = (answer: CheckAnswer, id: string) => {
  const found = answer.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in ${JSON.stringify(answer)}`);
  return found;
};

export { CUSTOMER_FIELDS };
