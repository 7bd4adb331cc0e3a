// Email and phone from the most reliable source: profile, custom data, then a mapped answer.
import { describe, expect, it } from "vitest";
import { resolveContact } from "../../src/qualification/contact.ts";
import { extractAnswers } from "../../src/qualification/extract.ts";
import { conversations } from "../fixtures/conversations/index.ts";

const answers = extractAnswers(conversations.carDealer).answers;
const mapping = { Q4: { object: "Lead" as const, field: "Email" } };

describe("resolveContact", () => {
  it("prefers the visitor profile", () => {
    expect(resolveContact({ email: "Profile@Example.com", phoneNumber: "+33 6 12 34 56 78" }, { cust_email: "c@example.com" }, answers, mapping)).toEqual({
      email: { value: "profile@example.com", source: "profile" },
      phone: { value: "+33 6 12 34 56 78", source: "profile" },
    });
  });

  it("then the standard custom data", () => {
    expect(resolveContact({ email: null }, { cust_email: "c@example.com", cust_phone_number: "06 12 34 56 78" }, answers, mapping)).toEqual({
      email: { value: "c@example.com", source: "customData" },
      phone: { value: "06 12 34 56 78", source: "customData" },
    });
  });

  it("then a tagged answer mapped to the Lead's Email, found inside the sentence", () => {
    expect(resolveContact(undefined, {}, answers, mapping)).toEqual({ email: { value: "jane.doe@example.com", source: "answer" } });
  });

  it("ignores values that are not an email or a phone", () => {
    expect(resolveContact({ email: "n/a", phoneNumber: "12" }, { cust_email: "none" }, {}, {})).toEqual({});
  });
});
