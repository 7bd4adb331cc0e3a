// Every value placed in SOQL is escaped, and long lists are split.
import { describe, expect, it } from "vitest";
import { chunkForSoql, inList, soqlString } from "../../src/salesforce/soql.ts";
import { parseSoql, matches } from "../emulators/salesforce/soql.ts";

describe("SOQL values", () => {
  it("escapes quotes and backslashes so a value cannot end its string", () => {
    expect(soqlString("o'brien@example.com")).toBe("'o\\'brien@example.com'");
    expect(soqlString("a\\' OR Id != null")).toBe("'a\\\\\\' OR Id != null'");
  });

  it("keeps an injection attempt a plain value", () => {
    const evil = "x@y.z') OR (Email != 'none";
    const q = parseSoql(`SELECT Id FROM Lead WHERE Email IN ${inList([evil])}`);
    expect(matches({ Email: "someone@else.com" }, q.where)).toBe(false);
    expect(matches({ Email: evil }, q.where)).toBe(true);
  });

  it("splits long lists into chunks under the limit", () => {
    const values = Array.from({ length: 500 }, (_, i) => `visitor-${i}@example.com`);
    const chunks = chunkForSoql(values, 2000);
    expect(chunks.flat()).toEqual(values);
    for (const c of chunks) expect(inList(c).length).toBeLessThanOrEqual(2000 + 2);
  });
});
