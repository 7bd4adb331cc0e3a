// The phone number a person typed, read with libphonenumber-js, normalised to E.164,
// and refused precisely when it cannot or must not be called or texted: not a number,
// too short or long, a national form that is a number in more than one served country
// (somebody else's, possibly), a country not served, or a premium-rate or similar line
// (an open endpoint is a toll-fraud target). An extension is kept apart.
import { getCountries, parsePhoneNumberFromString, parsePhoneNumberWithError, ParseError, validatePhoneNumberLength } from "libphonenumber-js/max";
import type { CountryCode, PhoneNumber } from "libphonenumber-js/max";

/** What can be wrong with a number as typed, each one the visitor can fix by typing it again. */
export const PHONE_PROBLEMS = [
  "empty",
  "not_a_number",
  "too_short",
  "too_long",
  "invalid",
  "ambiguous_country",
  "country_not_served",
  "number_type_not_allowed",
] as const;
export type PhoneProblem = (typeof PHONE_PROBLEMS)[number];

export type PhoneCheck =
  | { ok: true; e164: string; country: string; display: string; extension?: string }
  /** `candidates`: for ambiguous_country, the number in international form in each served country. */
  | { ok: false; problem: PhoneProblem; candidates?: string[] };

/** Line types that may never be called or texted. */
const FORBIDDEN_TYPES = new Set(["PREMIUM_RATE", "SHARED_COST", "PAGER", "UAN", "VOICEMAIL", "PERSONAL_NUMBER"]);

const readIn = (text: string, country: string): PhoneNumber | undefined => parsePhoneNumberFromString(text, country as CountryCode);

/** Why the number is not one to call, read in the default country. */
function problemIn(text: string, defaultCountry: string, allowedCountries: readonly string[]): PhoneProblem {
  let parsed: PhoneNumber;
  try {
    parsed = parsePhoneNumberWithError(text, defaultCountry as CountryCode);
  } catch (err) {
    if (err instanceof ParseError) {
      if (err.message === "TOO_SHORT") return "too_short";
      if (err.message === "TOO_LONG") return "too_long";
      if (err.message === "INVALID_COUNTRY") return "country_not_served";
    }
    return "not_a_number";
  }
  if (!parsed.isPossible()) {
    const length = validatePhoneNumberLength(text, defaultCountry as CountryCode);
    return length === "TOO_SHORT" ? "too_short" : length === "TOO_LONG" ? "too_long" : "invalid";
  }
  if (!parsed.isValid()) return "invalid";
  return parsed.country && allowedCountries.includes(parsed.country) ? "invalid" : "country_not_served";
}

const MOBILE = new Set(["MOBILE", "FIXED_LINE_OR_MOBILE"]);

/**
 * A mobile number of some other country, in its national form (a visitor abroad). Only
 * mobiles: some numbering plans (Germany's) take almost any length of landline number,
 * which would turn every typo into a foreign number.
 */
const mobileElsewhere = (text: string) =>
  getCountries().some((c) => {
    const p = readIn(text, c);
    return p?.isValid() === true && MOBILE.has(p.getType() ?? "");
  });

export function checkPhone(raw: string, defaultCountry: string, allowedCountries: readonly string[]): PhoneCheck {
  const text = raw.trim();
  if (text.length === 0) return { ok: false, problem: "empty" };
  if (text.length > 40 || !/\d/.test(text)) return { ok: false, problem: "not_a_number" };

  // Read in each served country: an international form reads the same in all of them,
  // a national one may be a valid number in several, and then only the person knows which.
  const readings = new Map<string, PhoneNumber>();
  for (const country of new Set([defaultCountry, ...allowedCountries])) {
    const p = readIn(text, country);
    if (p?.isValid() && p.country && allowedCountries.includes(p.country)) readings.set(p.number, p);
  }
  if (readings.size > 1) {
    return { ok: false, problem: "ambiguous_country", candidates: [...readings.values()].map((p) => p.formatInternational().replace(/\s*ext\..*$/, "")) };
  }
  const [parsed] = readings.values();
  if (!parsed?.country) {
    const problem = problemIn(text, defaultCountry, allowedCountries);
    // Too short stays a typo: foreign national forms that are shorter are rarely mobiles.
    const foreign = (problem === "too_long" || problem === "invalid") && mobileElsewhere(text);
    return { ok: false, problem: foreign ? "country_not_served" : problem };
  }
  const type = parsed.getType();
  if (type && FORBIDDEN_TYPES.has(type)) return { ok: false, problem: "number_type_not_allowed" };
  return { ok: true, e164: parsed.number, country: parsed.country, display: parsed.formatInternational(), ...(parsed.ext ? { extension: parsed.ext } : {}) };
}
