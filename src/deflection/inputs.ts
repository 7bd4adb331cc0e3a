// What an IVR sends (a Genesys Architect data action, a Twilio Studio HTTP request, a
// Puzzel REST call…): a JSON object, or form fields where the IVR's HTTP block posts
// them flat (conversationFields.<k>, customerFields.<k>).
import * as z from "zod";
import { plainKeys } from "../lib/plain-keys.ts";
import { MODES } from "./config.ts";

const Text = (max: number) => z.string().trim().max(max).optional();
/** Consent as IVRs write it: a boolean, or yes/no, oui/non, 1/0, a pressed key "1". */
const OptIn = z
  .union([z.boolean(), z.string().max(10)])
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : typeof v === "boolean" ? v : /^(true|yes|oui|1|on|y)$/i.test(v.trim())));
/** Routing and context fields: names a platform takes as custom field names, short values. */
const Fields = plainKeys(
  z
    .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, "a field name is letters, digits and _"), z.union([z.string().max(1000), z.number(), z.boolean()]))
    .refine((r) => Object.keys(r).length <= 30, "at most 30 fields"),
).default({});

/** Strict: a misspelt input (optin, phoneNumber) is named in a 400, never silently dropped. */
export const DeflectionInput = z.strictObject({
  phone: z.string({ error: "phone is required" }).max(200),
  optIn: OptIn,
  reason: Text(500),
  topic: Text(100),
  language: Text(20),
  conversationFields: Fields,
  customerFields: Fields,
  mode: z.enum(MODES).optional(),
  callId: z.string().trim().min(1).max(128).optional(),
});
export type DeflectionInput = z.infer<typeof DeflectionInput>;

/** Form fields (a flat body) into the JSON shape: conversationFields.k=v → {conversationFields: {k: v}}. */
export function fromForm(form: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of form) {
    const nested = /^(conversationFields|customerFields)[.[]([^\]]+)\]?$/.exec(k);
    if (nested?.[1] && nested[2]) {
      const group = (out[nested[1]] ??= {});
      // A group also posted as a plain field stays that field, for the schema to refuse.
      // Defined, not assigned: a `__proto__` field stays a key, for the schema to refuse by name.
      if (typeof group === "object" && group !== null) Object.defineProperty(group, nested[2], { value: v, enumerable: true, writable: true, configurable: true });
    } else if (out[k] === undefined) {
      out[k] = v;
    }
  }
  return out;
}
