// Sends webhooks to the Worker the way iAdvize does: raw body, signature, delivery headers.
import { exports } from "cloudflare:workers";
import { signatureFor } from "../../src/webhooks/signature.ts";
import { WEBHOOK_SECRET } from "./secrets.ts";

export const BASE = "https://connector.test";

export interface SendOptions {
  secret?: string;
  contentType?: string;
  signature?: string | null;
  correlationId?: string;
  headers?: Record<string, string>;
}

export async function sendRaw(body: string, opts: SendOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": opts.contentType ?? "application/json",
    "x-iadvize-delivery": crypto.randomUUID(),
    ...(opts.correlationId ? { "x-iadvize-correlationid": opts.correlationId } : {}),
    ...opts.headers,
  };
  const signature = opts.signature === undefined ? await signatureFor(opts.secret ?? WEBHOOK_SECRET, body) : opts.signature;
  if (signature !== null) headers["x-iadvize-signature"] = signature;
  return exports.default.fetch(`${BASE}/webhooks/iadvize`, { method: "POST", headers, body });
}

export function sendEvent(event: object, opts: SendOptions = {}): Promise<Response> {
  return sendRaw(JSON.stringify(event), opts);
}

/** A copy of a fixture with fresh ids, so tests never share an event. */
export function fresh<T extends { eventId: string }>(event: T, overrides: Partial<T> = {}): T {
  return { ...event, eventId: crypto.randomUUID(), ...overrides };
}
