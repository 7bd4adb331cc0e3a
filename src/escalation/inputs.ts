// What a bot's API connection sends: inputs from the query string or a JSON or form
// body, with the phone number as the visitor typed it.
import * as z from "zod";

const Text = (max: number) => z.string().max(max).optional();
const Consent = z
  .union([z.boolean(), z.string().max(10)])
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : typeof v === "boolean" ? v : /^(true|yes|oui|1|on|y)$/i.test(v.trim())));

export const EscalationInput = z.object({
  phone: z.string({ error: "phone is required" }).max(200),
  conversationId: Text(128),
  visitorName: Text(200),
  reason: Text(1000),
  preferredTime: Text(100),
  language: Text(20),
  consent: Consent,
});
export type EscalationInput = z.infer<typeof EscalationInput>;

/** Accepts the names a bot designer may use for the same input. */
const ALIASES: Record<string, keyof EscalationInput> = {
  phone: "phone",
  phoneNumber: "phone",
  phone_number: "phone",
  conversationId: "conversationId",
  conversation_id: "conversationId",
  visitorName: "visitorName",
  name: "visitorName",
  reason: "reason",
  preferredTime: "preferredTime",
  preferred_time: "preferredTime",
  language: "language",
  lang: "language",
  consent: "consent",
};

export function collectInputs(query: URLSearchParams, body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of query) {
    const key = ALIASES[k];
    if (key && out[key] === undefined) out[key] = v;
  }
  for (const [k, v] of Object.entries(body)) {
    const key = ALIASES[k];
    if (key) out[key] = typeof v === "number" ? String(v) : v;
  }
  return out;
}
