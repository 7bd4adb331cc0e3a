// A number a message can be sent to (a survey, a call moved to messaging): the phone
// checks (E.164, countries the tenant serves, no premium-rate lines), and a mobile line,
// since a fixed line cannot take an SMS or a WhatsApp message.
import { parsePhoneNumberWithError } from "libphonenumber-js/max";
import { checkPhone } from "./phone.ts";
import type { PhoneProblem } from "./phone.ts";

export type MobileCheck = { ok: true; e164: string; country: string } | { ok: false; problem: PhoneProblem | "not_mobile" };

const MOBILE = new Set(["MOBILE", "FIXED_LINE_OR_MOBILE"]);

export function checkMobile(raw: string, defaultCountry: string, allowedCountries: readonly string[]): MobileCheck {
  const phone = checkPhone(raw, defaultCountry, allowedCountries);
  if (!phone.ok) return phone;
  const type = parsePhoneNumberWithError(phone.e164).getType();
  if (!type || !MOBILE.has(type)) return { ok: false, problem: "not_mobile" };
  return { ok: true, e164: phone.e164, country: phone.country };
}
