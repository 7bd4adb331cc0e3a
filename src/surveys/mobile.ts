// A number a survey can be sent to: the escalation's phone checks (E.164, countries the
// tenant serves, no premium-rate lines), and a mobile line, since SMS go to it.
import { parsePhoneNumberWithError } from "libphonenumber-js/max";
import { checkPhone } from "../outreach/phone.ts";
import type { PhoneProblem } from "../outreach/phone.ts";

export type MobileCheck = { ok: true; e164: string; country: string } | { ok: false; problem: PhoneProblem | "not_mobile" };

const MOBILE = new Set(["MOBILE", "FIXED_LINE_OR_MOBILE"]);

export function checkMobile(raw: string, defaultCountry: string, allowedCountries: readonly string[]): MobileCheck {
  const phone = checkPhone(raw, defaultCountry, allowedCountries);
  if (!phone.ok) return phone;
  const type = parsePhoneNumberWithError(phone.e164).getType();
  if (!type || !MOBILE.has(type)) return { ok: false, problem: "not_mobile" };
  return { ok: true, e164: phone.e164, country: phone.country };
}
