// A tenant with escalation set up against the call-centre emulator, and the bot's calls.
import { env, exports } from "cloudflare:workers";
import { admin } from "./admin.ts";
import type { RequestDeps } from "../../src/escalation/request.ts";
import { BASE } from "./webhook.ts";
import { uniqueTenantId } from "./ids.ts";

export const cc = () => env.TEST_CALLCENTRE_URL;

export async function account(name: string, settings: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${cc()}/__emulator/accounts/${encodeURIComponent(name)}`, { method: "POST", body: JSON.stringify(settings) });
  if (!res.ok) throw new Error(`call-centre emulator: ${res.status}`);
}

export async function received(name: string): Promise<{ provider: string; phone: string; reference: string; body: Record<string, unknown> }[]> {
  return (await fetch(`${cc()}/__emulator/callbacks?account=${encodeURIComponent(name)}`)).json();
}

export interface EscalationTenant {
  tenantId: string;
  key: string;
  account: string;
}

/** A tenant whose bots call the generic webhook provider, unless `provider` says otherwise. */
export async function escalationTenant(overrides: Record<string, unknown> = {}, provider?: (account: string) => Promise<Record<string, unknown>>): Promise<EscalationTenant> {
  const tenantId = uniqueTenantId();
  const key = `esc_${crypto.randomUUID().replaceAll("-", "")}`;
  const name = `acct-${crypto.randomUUID().slice(0, 8)}`;
  const secret = `whsec-${crypto.randomUUID()}`;
  const providerConfig = provider ? await provider(name) : (await account(name, { secret }), { type: "webhook", url: `${cc()}/webhook/${name}`, secret });
  const res = await admin("PUT", `/tenants/${tenantId}`, {
    escalation: { key, provider: providerConfig, defaultCountry: "FR", allowedCountries: ["FR", "BE"], ...overrides },
  });
  if (res.status !== 201) throw new Error(`escalation tenant: ${res.status} ${await res.text()}`);
  return { tenantId, key, account: name };
}

export interface EscalationAnswer {
  status: string;
  reason?: string;
  message: string;
  escalationId?: string;
  callbackId?: string;
  phone?: string;
}

export async function callback(
  key: string,
  inputs: Record<string, string | boolean>,
  opts: { method?: "GET" | "POST" | "PUT"; form?: boolean; bearer?: boolean } = {},
): Promise<Response> {
  const method = opts.method ?? "GET";
  const path = opts.bearer ? "/escalations/callback" : `/escalations/${key}/callback`;
  const headers: Record<string, string> = opts.bearer ? { authorization: `Bearer ${key}` } : {};
  if (method === "GET") {
    const q = new URLSearchParams(Object.entries(inputs).map(([k, v]) => [k, String(v)]));
    return exports.default.fetch(`${BASE}${path}?${q}`, { headers });
  }
  const body = opts.form ? new URLSearchParams(Object.entries(inputs).map(([k, v]) => [k, String(v)])).toString() : JSON.stringify(inputs);
  headers["content-type"] = opts.form ? "application/x-www-form-urlencoded" : "application/json";
  return exports.default.fetch(`${BASE}${path}`, { method, headers, body });
}

export async function ask(key: string, inputs: Record<string, string | boolean>, opts: Parameters<typeof callback>[2] = {}): Promise<EscalationAnswer> {
  const res = await callback(key, inputs, opts);
  if (res.status !== 200) throw new Error(`escalation answered ${res.status}: ${await res.text()}`);
  return res.json();
}

export const row = (id: string | undefined) =>
  env.DB.prepare("SELECT * FROM escalations WHERE id = ?").bind(id ?? "").first<Record<string, unknown>>();

/**
 * The escalation request as the route makes it, with deadlines, timeouts or fetch
 * replaced; `later()` waits for what the request left running after its answer.
 */
export async function direct(tenantId: string, overrides: Partial<RequestDeps> = {}) {
  const { configOf } = await import("../../src/env.ts");
  const { attemptDeps } = await import("../../src/escalation/deps.ts");
  const { requestCallback } = await import("../../src/escalation/request.ts");
  const { getTenantConfig } = await import("../../src/tenants/store.ts");
  const { EscalationInput } = await import("../../src/escalation/inputs.ts");
  const checked = configOf(env);
  if (!checked.ok) throw new Error("test config invalid");
  const config = checked.config;
  const settings = (await getTenantConfig(env.DB, config.ENCRYPTION_KEY, tenantId))?.escalation;
  if (!settings) throw new Error("no escalation settings");
  const running: Promise<unknown>[] = [];
  const deps: RequestDeps = {
    ...attemptDeps(env, config, tenantId),
    keys: config.ENCRYPTION_KEY,
    tenantId,
    deadlineMs: 4000,
    waitUntil: (p) => void running.push(p),
    ...overrides,
  };
  return {
    request: (inputs: Record<string, string>) => requestCallback(deps, settings, EscalationInput.parse(inputs)),
    later: () => Promise.all(running),
  };
}
