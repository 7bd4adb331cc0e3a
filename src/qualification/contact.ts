// The visitor's email and phone for the CRM, from the most reliable source that has
// them: the visitor profile, then the standard custom data, then a tagged answer
// mapped to the Lead's Email or Phone field.
import type { Answer } from "./extract.ts";

/** Standard iAdvize custom data keys that carry contact details (an assumption kept here). */
export const CUSTOM_DATA_KEYS = {
  email: ["cust_email"],
  phone: ["cust_phone_number", "cust_phone", "cust_mobile"],
} as const;

const EMAIL_FIELDS = new Set(["Email"]);
const PHONE_FIELDS = new Set(["Phone", "MobilePhone"]);

export interface VisitorProfile {
  email?: string | null | undefined;
  phoneNumber?: string | null | undefined;
}

export interface MappingEntry {
  object: "Lead" | "Conversation";
  field: string;
}

export type ContactSource = "profile" | "customData" | "answer";

export interface Contact {
  email?: { value: string; source: ContactSource };
  phone?: { value: string; source: ContactSource };
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
// A run of at least 6 digits, with the separators people type between them.
const PHONE = /\+?\d[\d\s().-]{4,}\d/;

export function findEmail(text: string): string | undefined {
  return EMAIL.exec(text)?.[0].toLowerCase();
}

export function findPhone(text: string): string | undefined {
  const match = PHONE.exec(text)?.[0].trim();
  return match && match.replace(/\D/g, "").length >= 6 ? match : undefined;
}

function fromCustomData(data: Readonly<Record<string, unknown>>, keys: readonly string[], find: (s: string) => string | undefined) {
  for (const key of keys) {
    const value = data[key];
    const found = typeof value === "string" || typeof value === "number" ? find(String(value)) : undefined;
    if (found) return found;
  }
  return undefined;
}

function fromAnswers(
  answers: Readonly<Record<string, Answer>>,
  mapping: Readonly<Record<string, MappingEntry>>,
  fields: ReadonlySet<string>,
  find: (s: string) => string | undefined,
) {
  for (const [tag, entry] of Object.entries(mapping)) {
    const answer = answers[tag];
    if (entry.object === "Lead" && fields.has(entry.field) && answer) {
      const found = find(answer.answer);
      if (found) return found;
    }
  }
  return undefined;
}

export function resolveContact(
  profile: VisitorProfile | null | undefined,
  customData: Readonly<Record<string, unknown>>,
  answers: Readonly<Record<string, Answer>>,
  mapping: Readonly<Record<string, MappingEntry>>,
): Contact {
  const pick = (
    fromProfile: string | undefined,
    keys: readonly string[],
    fields: ReadonlySet<string>,
    find: (s: string) => string | undefined,
  ): { value: string; source: ContactSource } | undefined => {
    if (fromProfile) return { value: fromProfile, source: "profile" };
    const data = fromCustomData(customData, keys, find);
    if (data) return { value: data, source: "customData" };
    const answered = fromAnswers(answers, mapping, fields, find);
    return answered ? { value: answered, source: "answer" } : undefined;
  };
  const email = pick(profile?.email ? findEmail(profile.email) : undefined, CUSTOM_DATA_KEYS.email, EMAIL_FIELDS, findEmail);
  const phone = pick(profile?.phoneNumber ? findPhone(profile.phoneNumber) : undefined, CUSTOM_DATA_KEYS.phone, PHONE_FIELDS, findPhone);
  return { ...(email ? { email } : {}), ...(phone ? { phone } : {}) };
}
