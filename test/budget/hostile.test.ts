// The budget and follow-up settings against odd values: each a JSON 400 naming its path.
import { describe, expect, it } from "vitest";
import { admin } from "../helpers/admin.ts";
import { uniqueProjectId } from "../helpers/ids.ts";

describe("budget and followUp settings: odd values", () => {
  it("refuses numbers out of range, wrong types and mixed forms with a 400 naming the setting", async () => {
    const cases: Record<string, unknown>[] = [
      { budget: { daily: { calls: 1e308 } } },
      { budget: { daily: { calls: -5 } } },
      { budget: { daily: { calls: 1.5 } } },
      { budget: { daily: { percentOfOrg: 0.0001 } } },
      { budget: { daily: { calls: 10, percentOfOrg: 5 } } },
      { budget: { daily: "1000" } },
      { budget: { pauseAt: { backfill: "50" } } },
      { budget: { pauseAt: { onClose: 1e308 } } },
      { budget: [] },
      { followUp: { enabled: "true" } },
      { followUp: true },
    ];
    for (const extra of cases) {
      const res = await admin("PUT", `/tenants/ha-${uniqueProjectId()}`, { iadvize: { username: "api@example.com", password: "x" }, ...extra });
      const text = await res.text();
      expect([res.status, JSON.stringify(extra)]).toEqual([400, JSON.stringify(extra)]);
      const body = JSON.parse(text) as { error: { code: string; details: { path: string }[] } };
      expect(body.error.code).toBe("invalid_request");
      expect(body.error.details.some((d) => d.path.startsWith(Object.keys(extra)[0] ?? "?"))).toBe(true);
    }
  });
});
