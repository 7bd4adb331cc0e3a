// A tenant sending surveys through the Twilio emulator, the customer's replies as Twilio
// signs and posts them, and the survey queue delivered by hand (each message and its
// delay recorded) so that a test holds a whole survey without waiting.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { vi } from "vitest";
import worker from "../../src/index.ts";
import { admin } from "./admin.ts";
import { BASE } from "./webhook.ts";
import { uniqueTenantId } from "./ids.ts";

export const sms = () => env.TEST_SMS_URL;

export const SURVEY = {
  id: "after-call",
  name: "After a call",
  defaultLanguage: "en",
  elements: [
    { id: "intro", type: "text", text: { en: "Thanks for calling Acme Motors.", fr: "Merci d'avoir appelé Acme Motors." } },
    {
      id: "nps",
      type: "scale",
      min: 0,
      max: 10,
      text: { en: "How likely are you to recommend us?", fr: "Nous recommanderiez-vous ?" },
      rules: [{ when: "range", min: 9, max: 10, goTo: "end" }],
    },
    {
      id: "reason",
      type: "dropdown",
      text: { en: "What should we improve?", fr: "Que devons-nous améliorer ?" },
      items: [{ en: "Waiting time", fr: "L'attente" }, { en: "The advisor", fr: "Le conseiller" }, { en: "Prices", fr: "Les prix" }],
      rules: [{ when: "equals", value: 2, goTo: "comment" }],
    },
    { id: "recontact", type: "yes_no", text: { en: "May we call you back about it?", fr: "Pouvons-nous vous rappeler ?" }, rules: [{ when: "equals", value: false, goTo: "end" }] },
    { id: "comment", type: "free_text", text: { en: "Anything else?", fr: "Autre chose ?" } },
  ],
  texts: {
    completion: { en: "Thank you for your answers!", fr: "Merci pour vos réponses !" },
    unavailable: { en: "This survey is no longer available.", fr: "Cette enquête n'est plus disponible." },
    notFound: { en: "We found no survey for this number.", fr: "Aucune enquête pour ce numéro." },
    error: { en: "Sorry, we did not understand.", fr: "Désolé, nous n'avons pas compris." },
  },
};

export interface SurveyTenant {
  tenantId: string;
  key: string;
  accountSid: string;
  authToken: string;
  from: string;
}

const hex = (n: number) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0")).join("");
const digits = (n: number) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => String(b % 10)).join("");

/** A French mobile number no other test uses. */
export const mobile = () => `+3360${digits(7)}`;

export function surveysConfig(t: Omit<SurveyTenant, "tenantId">, overrides: Record<string, unknown> = {}) {
  return {
    key: t.key,
    provider: { type: "twilio", apiUrl: sms(), accountSid: t.accountSid, authToken: t.authToken, from: t.from },
    defaultCountry: "FR",
    allowedCountries: ["FR", "BE"],
    definitions: [SURVEY],
    ...overrides,
  };
}

export async function surveyTenant(overrides: Record<string, unknown> = {}, tenant: Record<string, unknown> = {}): Promise<SurveyTenant> {
  const tenantId = uniqueTenantId();
  const t = { key: `srv_${hex(16)}`, accountSid: `AC${hex(16)}`, authToken: hex(16), from: `+4420${digits(8)}` };
  await fetch(`${sms()}/__emulator/accounts/${t.accountSid}`, {
    method: "POST",
    body: JSON.stringify({ authToken: t.authToken, numbers: [t.from], inboundUrl: `${BASE}/sms/inbound/twilio`, landlines: ["+33123456789"] }),
  });
  const res = await admin("PUT", `/tenants/${tenantId}`, { surveys: surveysConfig(t, overrides), ...tenant });
  if (res.status !== 201) throw new Error(`survey tenant: ${res.status} ${await res.text()}`);
  return { tenantId, ...t };
}

export function send(key: string | null, body: Record<string, unknown>): Promise<Response> {
  return exports.default.fetch(`${BASE}/surveys/send`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });
}

export const sendBody = (phone: string, extra: Record<string, unknown> = {}) => ({
  surveyId: SURVEY.id,
  clientReference: crypto.randomUUID(),
  identifier: phone,
  identifierType: "Phone",
  channel: "SMS",
  userSessionVariables: [{ key: "agentId", value: "45012" }, { key: "consumerEmail", value: "jane.doe@example.com" }],
  ...extra,
});

/** The SMS the emulator received for this number, texts only, in order. */
export async function inbox(t: SurveyTenant, to: string): Promise<string[]> {
  const list = (await (await fetch(`${sms()}/__emulator/messages?account=${t.accountSid}&to=${encodeURIComponent(to)}`)).json()) as { body: string }[];
  return list.map((m) => m.body);
}

export interface SignedReply {
  url: string;
  headers: Record<string, string>;
  body: string;
  messageSid: string;
}

/** The customer's reply, signed by the emulator as Twilio does. */
export async function signedReply(t: SurveyTenant, from: string, body: string, messageSid?: string): Promise<SignedReply> {
  const res = await fetch(`${sms()}/__emulator/reply`, { method: "POST", body: JSON.stringify({ account: t.accountSid, from, to: t.from, body, messageSid }) });
  return res.json();
}

export const deliver = (r: SignedReply, tamper: Partial<SignedReply> = {}) => {
  const s = { ...r, ...tamper };
  return exports.default.fetch(s.url, { method: "POST", headers: s.headers, body: s.body });
};

/** The customer replies; the Worker answers (200 with empty TwiML when all is well). */
export async function reply(t: SurveyTenant, from: string, body: string, messageSid?: string): Promise<Response> {
  return deliver(await signedReply(t, from, body, messageSid));
}

export interface Queued {
  body: unknown;
  delaySeconds: number | undefined;
}

/** Holds what the Worker sends to the survey queue; `drain` delivers it to the consumer until nothing is left. */
export function holdSurveyQueue() {
  const pending: Queued[] = [];
  const all: Queued[] = [];
  const push = (q: Queued) => {
    pending.push(q);
    all.push(q);
  };
  const metadata = { metrics: { backlogCount: 0, backlogBytes: 0 } };
  const send = vi.spyOn(env.SURVEY_QUEUE, "send").mockImplementation(async (body, opts) => {
    push({ body, delaySeconds: opts?.delaySeconds });
    return { metadata };
  });
  const sendBatch = vi.spyOn(env.SURVEY_QUEUE, "sendBatch").mockImplementation(async (messages) => {
    for (const m of messages) push({ body: m.body, delaySeconds: m.delaySeconds });
    return { metadata };
  });
  return {
    all,
    pending,
    restore() {
      send.mockRestore();
      sendBatch.mockRestore();
    },
    /** Delivers what is queued, and what that queues, until nothing is left (or only the kinds held back). */
    async drain(opts: { holdBack?: string } = {}) {
      for (let i = 0; i < 50; i++) {
        const next = pending.filter((q) => (q.body as { kind: string }).kind !== opts.holdBack);
        if (next.length === 0) return;
        for (const q of next) pending.splice(pending.indexOf(q), 1);
        const batch = createMessageBatch("survey-work", next.map((q, j) => ({ id: `m${i}-${j}`, timestamp: new Date(), attempts: 1, body: q.body })));
        const ctx = createExecutionContext();
        await worker.queue(batch, env);
        await getQueueResult(batch, ctx);
      }
    },
  };
}

export const session = (id: string) => env.DB.prepare(`SELECT * FROM survey_sessions WHERE id = ?1`).bind(id).first<Record<string, unknown>>();
