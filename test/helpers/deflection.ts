// A tenant whose IVR moves callers to messaging through one of the emulated platforms
// (Quiq, Twilio, a Genesys DMS gateway, the generic webhook), the IVR's requests, and the
// deflection queue delivered by hand.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import worker from "../../src/index.ts";
import type { RequestDeps } from "../../src/deflection/request.ts";
import { admin } from "./admin.ts";
import { uniqueTenantId } from "./ids.ts";
import { BASE } from "./webhook.ts";

export const messaging = () => env.TEST_MESSAGING_URL;

const hex = (n: number) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0")).join("");
const digits = (n: number) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => String(b % 10)).join("");

/** A French mobile number no other test uses. */
export const mobile = () => `+3361${digits(7)}`;
/** A Paris landline: valid, but cannot take a text. */
export const LANDLINE = "01 42 68 53 00";
/** A French premium-rate number. */
export const PREMIUM = "08 99 23 45 67";

export async function messagingAccount(name: string, settings: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${messaging()}/__emulator/accounts/${encodeURIComponent(name)}`, { method: "POST", body: JSON.stringify(settings) });
  if (!res.ok) throw new Error(`messaging emulator: ${res.status}`);
}

export interface Received {
  platform: string;
  path: string;
  channel: string;
  reference: string;
  body: Record<string, unknown>;
}

export async function received(name: string): Promise<Received[]> {
  return (await fetch(`${messaging()}/__emulator/received?account=${encodeURIComponent(name)}`)).json();
}

export async function twilioAccount(sid: string, settings: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${env.TEST_SMS_URL}/__emulator/accounts/${sid}`, { method: "POST", body: JSON.stringify(settings) });
  if (!res.ok) throw new Error(`sms emulator: ${res.status}`);
}

export async function twilioSent(sid: string): Promise<{ channel: string; to: string; from: string; body: string }[]> {
  return (await fetch(`${env.TEST_SMS_URL}/__emulator/messages?account=${sid}`)).json();
}

export type ProviderKind = "quiq" | "twilio" | "genesys-dms" | "webhook";

export interface DeflectionTenant {
  tenantId: string;
  key: string;
  /** The emulator account: the Quiq site, the Twilio SID, the DMS gateway or the webhook name. */
  account: string;
}

export const TEMPLATE_SID = `HX${"a1".repeat(16)}`;
export const WHATSAPP_FROM = "+33757000111";
export const SMS_FROM = "+33757000222";

/** Sets up the emulator account of `kind` (with `account` settings) and the tenant's provider for it. */
async function providerOf(kind: ProviderKind, name: string, account: Record<string, unknown>): Promise<Record<string, unknown>> {
  const secret = `sec-${hex(8)}`;
  switch (kind) {
    case "quiq":
      await messagingAccount(name, { key: "bot-key", secret, ...account });
      return { type: "quiq", apiUrl: `${messaging()}/quiq/${name}`, apiKey: "bot-key", apiSecret: secret, contactPoint: "default" };
    case "webhook":
      await messagingAccount(name, { secret, ...account });
      return { type: "webhook", url: `${messaging()}/webhook/${name}`, secret };
    case "genesys-dms":
      await messagingAccount(name, { secret, dmsChannels: { "WA-acme": "WhatsApp", "ABC-acme": "AppleMessages" }, ...account });
      return { type: "genesys-dms", url: `${messaging()}/dms/${name}`, secret, clientId: "acme-client", businessId: "+33757000333", channels: { WhatsApp: "WA-acme", AppleMessages: "ABC-acme" }, chatQueueKey: "1:session-WA-outbound", notifyQueueKey: "1:session-WA-sendSR", standardResponseId: "00AB12" };
    case "twilio":
      await twilioAccount(name, { authToken: secret, numbers: [SMS_FROM], whatsappSenders: [WHATSAPP_FROM], templates: { [TEMPLATE_SID]: "Following your call about {{1}}, reply here to carry on in writing." }, ...account });
      return { type: "twilio", apiUrl: env.TEST_SMS_URL, accountSid: name, authToken: secret, from: SMS_FROM, whatsapp: { from: WHATSAPP_FROM, contentSid: TEMPLATE_SID, variables: { "1": "reason" } } };
  }
}

export async function deflectionTenant(kind: ProviderKind = "webhook", overrides: Record<string, unknown> = {}, account: Record<string, unknown> = {}): Promise<DeflectionTenant> {
  const tenantId = uniqueTenantId();
  const key = `dfl_${hex(16)}`;
  const name = kind === "twilio" ? `AC${hex(16)}` : `acct-${hex(4)}`;
  const provider = await providerOf(kind, name, account);
  const res = await admin("PUT", `/tenants/${tenantId}`, {
    deflection: { key, provider, defaultCountry: "FR", allowedCountries: ["FR", "BE"], channels: [{ platform: "AppleMessages", tenantHandle: "apple-biz" }, { platform: "GoogleMessages", tenantHandle: "google-biz" }, { platform: "WhatsApp", tenantHandle: "wa-biz" }, { platform: "SMS" }], ...overrides },
  });
  if (res.status !== 201) throw new Error(`deflection tenant: ${res.status} ${await res.text()}`);
  return { tenantId, key, account: name };
}

export function deflect(key: string, body: Record<string, unknown> | string, opts: { bearer?: boolean; form?: boolean; method?: string } = {}): Promise<Response> {
  const path = opts.bearer ? "/deflections" : `/deflections/${key}`;
  const headers: Record<string, string> = opts.bearer ? { authorization: `Bearer ${key}` } : {};
  headers["content-type"] = opts.form ? "application/x-www-form-urlencoded" : "application/json";
  const text = typeof body === "string" ? body : opts.form ? new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)])).toString() : JSON.stringify(body);
  return exports.default.fetch(`${BASE}${path}`, { method: opts.method ?? "POST", headers, ...(opts.method === "GET" ? {} : { body: text }) });
}

export interface DeflectionAnswer {
  status: string;
  reason?: string;
  channel?: string;
  deflectionId: string;
  prompt: string;
}

export async function ask(key: string, body: Record<string, unknown>, opts: Parameters<typeof deflect>[2] = {}): Promise<DeflectionAnswer> {
  const res = await deflect(key, body, opts);
  if (res.status !== 200) throw new Error(`deflection answered ${res.status}: ${await res.text()}`);
  return res.json();
}

export const row = (id: string | undefined) => env.DB.prepare("SELECT * FROM deflections WHERE id = ?").bind(id ?? "").first<Record<string, unknown>>();

export async function deliver(queue: string, body: unknown) {
  const batch = createMessageBatch(queue, [{ id: "m0", timestamp: new Date(), attempts: 1, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

/**
 * The deflection request as the route makes it, with the deadline, timeouts or fetch
 * replaced; `later()` waits for what the request left running after its answer.
 */
export async function direct(tenantId: string, overrides: Partial<RequestDeps> = {}) {
  const { attemptDeps } = await import("../../src/deflection/deps.ts");
  const { requestDeflection } = await import("../../src/deflection/request.ts");
  const { getTenantConfig } = await import("../../src/tenants/store.ts");
  const { DeflectionInput } = await import("../../src/deflection/inputs.ts");
  const keys = [env.ENCRYPTION_KEY ?? ""];
  const settings = (await getTenantConfig(env.DB, keys, tenantId))?.deflection;
  if (!settings) throw new Error("no deflection settings");
  const running: Promise<unknown>[] = [];
  const deps: RequestDeps = { ...attemptDeps(env, tenantId), keys, tenantId, deadlineMs: 3000, waitUntil: (p) => void running.push(p), ...overrides };
  return {
    request: (inputs: Record<string, unknown>) => requestDeflection(deps, settings, DeflectionInput.parse(inputs)),
    later: () => Promise.all(running),
  };
}
