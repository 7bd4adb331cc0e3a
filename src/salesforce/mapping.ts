// A tenant's Qn → field mapping checked against the object's describe (the field
// exists, is writable, and its type takes a free-text answer), and each answer turned
// into a value that fits the field: cut to its length, matched to a picklist value,
// read as a number, a yes/no, an email or a phone.
import { findEmail, findPhone } from "../qualification/contact.ts";
import { TRANSACTION_LATEST_AMOUNT } from "./config.ts";
import type { FieldDescribe, Fields } from "./describe.ts";

export interface MappingEntry {
  object: "Lead" | "Conversation";
  field: string;
  overwrite: boolean;
}

export interface UsableMapping extends MappingEntry {
  tag: string;
  describe: FieldDescribe;
}

export interface MappingProblem {
  tag: string;
  object: string;
  field: string;
  problem: "no_such_field" | "not_writable" | "type_not_supported";
}

const TEXT_TYPES = new Set(["string", "textarea", "url", "email", "phone", "picklist", "multipicklist", "combobox"]);
const NUMBER_TYPES = new Set(["double", "currency", "percent", "int", "long"]);
/** An amount goes to a number field, or as text to a free-text one. */
const AMOUNT_TEXT_TYPES = new Set(["string", "textarea"]);

export function validateMapping(
  mapping: Readonly<Record<string, MappingEntry>>,
  describes: { Lead: Fields | undefined; Conversation: Fields | undefined },
): { usable: UsableMapping[]; problems: MappingProblem[] } {
  const usable: UsableMapping[] = [];
  const problems: MappingProblem[] = [];
  for (const [tag, entry] of Object.entries(mapping)) {
    const fields = describes[entry.object];
    const describe = fields?.get(entry.field);
    const problem = (p: MappingProblem["problem"]) => problems.push({ tag, object: entry.object, field: entry.field, problem: p });
    if (!describe) problem("no_such_field");
    else if (!describe.createable && !describe.updateable) problem("not_writable");
    else if (!TEXT_TYPES.has(describe.type) && !NUMBER_TYPES.has(describe.type) && describe.type !== "boolean") problem("type_not_supported");
    else if (tag === TRANSACTION_LATEST_AMOUNT && !NUMBER_TYPES.has(describe.type) && !AMOUNT_TEXT_TYPES.has(describe.type)) problem("type_not_supported");
    else usable.push({ tag, ...entry, describe });
  }
  return { usable, problems };
}

export type Coerced = { ok: true; value: string | number | boolean } | { ok: false; problem: "no_value_of_that_type" | "not_a_picklist_value" };

const YES = /^(yes|y|oui|o|si|sí|ja|true|1|ok|sure|of course|bien sûr|d'accord)\b/i;
const NO = /^(no|n|non|nein|false|0|never|jamais|pas)\b/i;

/** Cuts text to a field's length, on a character boundary, marking the cut. */
export function cut(text: string, length: number): string {
  if (length <= 0 || text.length <= length) return text;
  return `${text.slice(0, Math.max(0, length - 1))}…`;
}

function parseNumber(text: string): number | undefined {
  const m = /(-?\d[\d\s.,']*)(\s*[kK]\b)?/.exec(text);
  if (!m?.[1]) return undefined;
  let digits = m[1].replace(/[\s']/g, "");
  // "1.234,5" and "1,234.5": the last separator is the decimal one when 1-2 digits follow it.
  const last = Math.max(digits.lastIndexOf(","), digits.lastIndexOf("."));
  if (last >= 0 && digits.length - last - 1 <= 2) {
    digits = digits.slice(0, last).replace(/[.,]/g, "") + "." + digits.slice(last + 1);
  } else {
    digits = digits.replace(/[.,]/g, "");
  }
  const n = Number(digits);
  if (!Number.isFinite(n)) return undefined;
  return m[2] ? n * 1000 : n;
}

export function coerce(answer: string, field: FieldDescribe): Coerced {
  const text = answer.trim();
  switch (field.type) {
    case "email": {
      const email = findEmail(text);
      return email ? { ok: true, value: cut(email, field.length) } : { ok: false, problem: "no_value_of_that_type" };
    }
    case "phone": {
      const phone = findPhone(text);
      return phone ? { ok: true, value: cut(phone, field.length) } : { ok: false, problem: "no_value_of_that_type" };
    }
    case "picklist":
    case "combobox": {
      const values = field.picklistValues.filter((p) => p.active).map((p) => p.value);
      const lower = text.toLowerCase();
      const exact = values.find((v) => v.toLowerCase() === lower);
      // A picklist value named within a conversational answer ("electric please").
      const within = exact ?? values.filter((v) => new RegExp(`(^|\\W)${v.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|\\W)`).test(lower)).sort((a, b) => b.length - a.length)[0];
      if (within) return { ok: true, value: within };
      return field.restrictedPicklist ? { ok: false, problem: "not_a_picklist_value" } : { ok: true, value: cut(text, field.length || 255) };
    }
    case "multipicklist": {
      const lower = text.toLowerCase();
      const chosen = field.picklistValues.filter((p) => p.active && lower.includes(p.value.toLowerCase())).map((p) => p.value);
      return chosen.length > 0 ? { ok: true, value: chosen.join(";") } : { ok: false, problem: "not_a_picklist_value" };
    }
    case "boolean":
      if (YES.test(text)) return { ok: true, value: true };
      if (NO.test(text)) return { ok: true, value: false };
      return { ok: false, problem: "no_value_of_that_type" };
    default:
      if (NUMBER_TYPES.has(field.type)) {
        const n = parseNumber(text);
        if (n === undefined) return { ok: false, problem: "no_value_of_that_type" };
        return { ok: true, value: field.type === "int" || field.type === "long" ? Math.round(n) : n };
      }
      return { ok: true, value: cut(text, field.length) };
  }
}
