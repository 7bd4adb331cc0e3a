// Each answer fitted to its field, and the mapping checked against the describe.
import { describe, expect, it } from "vitest";
import type { FieldDescribe } from "../../src/salesforce/describe.ts";
import { coerce, cut, validateMapping } from "../../src/salesforce/mapping.ts";

const field = (type: string, extra: Partial<FieldDescribe> = {}): FieldDescribe => ({
  name: "F__c",
  type,
  length: 0,
  createable: true,
  updateable: true,
  picklistValues: [],
  restrictedPicklist: false,
  ...extra,
});
const engine = field("picklist", { picklistValues: ["Electric", "Hybrid", "Plug-in Hybrid"].map((value) => ({ value, active: true })), restrictedPicklist: true });

describe("coerce", () => {
  it("cuts text to the field's length, marking the cut", () => {
    expect(coerce("abcdefghij", field("string", { length: 5 }))).toEqual({ ok: true, value: "abcd…" });
    expect(cut("abc", 0)).toBe("abc");
  });

  it("matches a picklist value, within a conversational answer, preferring the longest", () => {
    expect(coerce("electric", engine)).toEqual({ ok: true, value: "Electric" });
    expect(coerce("I think a plug-in hybrid please", engine)).toEqual({ ok: true, value: "Plug-in Hybrid" });
    expect(coerce("diesel", engine)).toEqual({ ok: false, problem: "not_a_picklist_value" });
    expect(coerce("diesel", { ...engine, restrictedPicklist: false })).toEqual({ ok: true, value: "diesel" });
  });

  it("reads numbers the way people write them", () => {
    expect(coerce("about 20k", field("currency"))).toEqual({ ok: true, value: 20000 });
    expect(coerce("25 000 €", field("currency"))).toEqual({ ok: true, value: 25000 });
    expect(coerce("1.234,50", field("double"))).toEqual({ ok: true, value: 1234.5 });
    expect(coerce("3.7 kids", field("int"))).toEqual({ ok: true, value: 4 });
    expect(coerce("no idea", field("double"))).toEqual({ ok: false, problem: "no_value_of_that_type" });
  });

  it("reads yes and no, in English and French", () => {
    expect(coerce("Oui, volontiers", field("boolean"))).toEqual({ ok: true, value: true });
    expect(coerce("no thanks", field("boolean"))).toEqual({ ok: true, value: false });
    expect(coerce("maybe", field("boolean"))).toEqual({ ok: false, problem: "no_value_of_that_type" });
  });

  it("finds an email or a phone inside a sentence", () => {
    expect(coerce("sure, it's Jane@Example.com", field("email", { length: 80 }))).toEqual({ ok: true, value: "jane@example.com" });
    expect(coerce("call me on +33 6 12 34 56 78 tonight", field("phone", { length: 40 }))).toEqual({ ok: true, value: "+33 6 12 34 56 78" });
  });
});

describe("validateMapping", () => {
  it("keeps what fits and names what does not", () => {
    const lead = new Map<string, FieldDescribe>([
      ["Vehicle__c", { ...field("string", { length: 100 }), name: "Vehicle__c" }],
      ["IsConverted", { ...field("boolean"), name: "IsConverted", createable: false, updateable: false }],
      ["ConvertedDate", { ...field("date"), name: "ConvertedDate" }],
    ]);
    const result = validateMapping(
      {
        Q1: { object: "Lead", field: "Vehicle__c", overwrite: false },
        Q2: { object: "Lead", field: "Nope__c", overwrite: false },
        Q3: { object: "Lead", field: "IsConverted", overwrite: false },
        Q4: { object: "Lead", field: "ConvertedDate", overwrite: false },
      },
      { Lead: lead, Conversation: new Map() },
    );
    expect(result.usable.map((u) => u.tag)).toEqual(["Q1"]);
    expect(result.problems.map((p) => `${p.tag}:${p.problem}`)).toEqual(["Q2:no_such_field", "Q3:not_writable", "Q4:type_not_supported"]);
  });
});
