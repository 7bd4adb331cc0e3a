// Reading a typed number: the national form in each served country, extensions, and
// the problems a person can correct.
import { describe, expect, it } from "vitest";
import { checkPhone } from "../../src/outreach/phone.ts";

describe("checkPhone", () => {
  it("a national number valid in two served countries is ambiguous, with both international forms", () => {
    // 0450 00 12 34 is a Belgian mobile and a French landline in the Alps.
    expect(checkPhone("0450 00 12 34", "FR", ["FR", "BE"])).toEqual({ ok: false, problem: "ambiguous_country", candidates: ["+33 4 50 00 12 34", "+32 450 00 12 34"] });
  });

  it("the same number is read in the only served country where it is valid", () => {
    expect(checkPhone("0450 00 12 34", "FR", ["FR"])).toMatchObject({ ok: true, e164: "+33450001234" });
    expect(checkPhone("0450 00 12 34", "BE", ["BE"])).toMatchObject({ ok: true, e164: "+32450001234" });
    expect(checkPhone("06 12 34 56 78", "FR", ["FR", "BE"])).toMatchObject({ ok: true, e164: "+33612345678", country: "FR" });
  });

  it("the international form is never ambiguous", () => {
    expect(checkPhone("+32 450 00 12 34", "FR", ["FR", "BE"])).toMatchObject({ ok: true, e164: "+32450001234", country: "BE" });
    expect(checkPhone("0032 450 00 12 34", "FR", ["FR", "BE"])).toMatchObject({ ok: true, e164: "+32450001234" });
  });

  it("a national form valid only in a country not served is country_not_served, not a wrong length", () => {
    // A British mobile typed nationally: too long for France.
    expect(checkPhone("07400 123456", "FR", ["FR", "BE"])).toEqual({ ok: false, problem: "country_not_served" });
    // A German mobile, 12 digits.
    expect(checkPhone("0151 23456789", "FR", ["FR", "BE"])).toEqual({ ok: false, problem: "country_not_served" });
    expect(checkPhone("+44 20 7946 0958", "FR", ["FR", "BE"])).toEqual({ ok: false, problem: "country_not_served" });
  });

  it("keeps an extension apart from the E.164 number", () => {
    expect(checkPhone("06 11 22 33 51 ext 123", "FR", ["FR"])).toEqual({ ok: true, e164: "+33611223351", country: "FR", display: "+33 6 11 22 33 51 ext. 123", extension: "123" });
    expect(checkPhone("06 11 22 33 51", "FR", ["FR"])).not.toHaveProperty("extension");
  });

  it.each([
    ["", "empty"],
    ["my number", "not_a_number"],
    ["06 12", "too_short"],
    ["06 12 34 56 78 99", "too_long"],
    ["08 99 12 34 56", "number_type_not_allowed"],
  ])("%j: %s", (raw, problem) => {
    expect(checkPhone(raw, "FR", ["FR", "BE"])).toEqual({ ok: false, problem });
  });
});
