// The Chat-to-call page's provider forms, read from the escalation's own zod slice
// (src/escalation/config.ts): one form per provider it supports, one input per setting,
// secrets as password inputs that are never filled. A form is turned back into the
// slice's input, which the single save path checks (src/tenants/save.ts).
import * as z from "zod";
import { ESCALATION_SECRET_PATHS, escalationConfig } from "../escalation/config.ts";
import { SecretInput } from "../secrets/values.ts";

export interface ProviderField {
  name: string;
  kind: "text" | "number" | "secret";
  /** What the slice puts there when the field is left empty. */
  defaultValue?: string;
}

export interface ProviderForm {
  type: string;
  fields: ProviderField[];
}

const SECRETS: ReadonlySet<string> = new Set(ESCALATION_SECRET_PATHS);

function fieldOf(name: string, schema: z.ZodType): ProviderField {
  if (SECRETS.has(`escalation.provider.${name}`)) return { name, kind: "secret" };
  const inner = schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema;
  const defaultValue = schema instanceof z.ZodDefault ? String(schema.def.defaultValue) : undefined;
  return { name, kind: inner instanceof z.ZodNumber ? "number" : "text", ...(defaultValue === undefined ? {} : { defaultValue }) };
}

/** Every provider of the slice, in its order, with its settings. */
export const PROVIDER_FORMS: readonly ProviderForm[] = escalationConfig(SecretInput).shape.provider.options.map((option) => {
  const shape = option.shape as Record<string, z.ZodType>;
  const type = String((shape.type as z.ZodLiteral<string>).value);
  return { type, fields: Object.entries(shape).filter(([name]) => name !== "type").map(([name, schema]) => fieldOf(name, schema)) };
});

export const PROVIDER_TYPES: readonly string[] = PROVIDER_FORMS.map((p) => p.type);

/**
 * The provider as the admin API takes it, from a posted form: an empty field is left out
 * (the slice's default applies, or it says the field is required); an empty secret keeps
 * the stored one when the provider stays the same; a number field is read as a number
 * when it is one (the slice refuses anything else).
 */
export function providerInput(form: ProviderForm, value: (name: string) => string, stored: { type: string; secrets: ReadonlySet<string> } | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { type: form.type };
  for (const field of form.fields) {
    const raw = value(field.name);
    if (field.kind === "secret") {
      if (raw) out[field.name] = raw;
      else if (stored?.type === form.type && stored.secrets.has(field.name)) out[field.name] = { set: true };
    } else if (raw) {
      out[field.name] = field.kind === "number" && /^\d{1,15}$/.test(raw) ? Number(raw) : raw;
    }
  }
  return out;
}
