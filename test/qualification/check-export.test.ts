// `npm run extract`'s core: a customer's exported conversation in, answers or a clear error out.
import { describe, expect, it } from "vitest";
import { checkExport } from "../../src/qualification/check-export.ts";
import { conversations } from "../fixtures/conversations/index.ts";

describe("checkExport", () => {
  it("extracts the answers of a valid export", () => {
    const result = checkExport(JSON.stringify(conversations.carDealer));
    expect(result.ok && result.extraction.unanswered).toEqual(["Q3"]);
  });

  it("says what is wrong with an invalid one", () => {
    expect(checkExport("{")).toEqual({ ok: false, error: "the file is not valid JSON" });
    const bad = checkExport(JSON.stringify([{ role: "agent", text: "hi", createdAt: "yesterday" }]));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/0\.role: .*operator.*\n {2}0\.createdAt: must be an ISO 8601 date/);
  });
});
