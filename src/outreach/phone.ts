// The phone number a person typed, read with libphonenumber-js in the tenant's default
// country, normalised to E.164, and refused precisely when it cannot or must not be
// called or texted: not a number, too short or long, a country the tenant does not
// serve, or a premium-rate or similar line (an open endpoint is a toll-fraud target).
import { parsePhoneNumberWithError, ParseError, validatePhoneNumberLength } from "libphonenumber-js/max";
import type { CountryCode } from "libphonenumber-js/max";

export type PhoneProblem =
  | "empty"
  | "not_a_number"
  | "too_short"
  | "too_long"
  | "invalid"
  | "country_not_served"
  | "number_type_not_allowed";

export type PhoneCheck =
  | { ok: true; e164: string; country: string; display: string }
  | { ok: false; problem: PhoneProblem };

/** Line types a callback may never dial. */
const FORBIDDEN_TYPES = new Set(["PREMIUM_RATE", "SHARED_COST", "PAGER", "UAN", "VOICEMAIL", "PERSONAL_NUMBER"]);

export function checkPhone(raw: string, defaultCountry: string, allowedCountries: readonly string[]): PhoneCheck {
  const text = raw.trim();
  if (text.length === 0) return { ok: false, problem: "empty" };
  if (text.length > 40 || !/\d/.test(text)) return { ok: false, problem: "not_a_number" };
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(text, defaultCountry as CountryCode);
  } catch (err) {
    if (err instanceof ParseError) {
      if (err.message === "TOO_SHORT") return { ok: false, problem: "too_short" };
      if (err.message === "TOO_LONG") return { ok: false, problem: "too_long" };
      if (err.message === "INVALID_COUNTRY") return { ok: false, problem: "country_not_served" };
    }
    return { ok: false, problem: "not_a_number" };
  }
  if (!parsed.isPossible()) {
    const length = validatePhoneNumberLength(text, defaultCountry as CountryCode);
    return { ok: false, problem: length === "TOO_SHORT" ? "too_short" : length === "TOO_LONG" ? "too_long" : "invalid" };
  }
  if (!parsed.isValid()) return { ok: false, problem: "invalid" };
  const country = parsed.country;
  if (!country || !allowedCountries.includes(country)) return { ok: false, problem: "country_not_served" };
  const type = parsed.getType();
  if (type && FORBIDDEN_TYPES.has(type)) return { ok: false, problem: "number_type_not_allowed" };
  return { ok: true, e164: parsed.number, country, display: parsed.formatInternational() };
}
