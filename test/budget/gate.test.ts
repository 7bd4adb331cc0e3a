// The budget's verdicts, pure: the connector's cap as calls or as a share of the org's
// allowance, the tiers' thresholds, and how old a reading may be.
import { describe, expect, it } from "vitest";
import { DEFAULT_BUDGET } from "../../src/budget/config.ts";
import { PROBE_MS, judge } from "../../src/budget/gate.ts";

const NOW = Date.parse("2026-11-21T18:00:00.000Z");
const MIDNIGHT = Date.parse("2026-11-22T00:00:00.000Z");
const org = (used: number, readAt = NOW - 60_000) => ({ used, limit: 100_000, readAt });

describe("budget verdicts", () => {
  it("a share of the org's allowance as the connector's cap: 2 % of 100,000 is 2,000 calls, until midnight UTC", () => {
    const budget = { ...DEFAULT_BUDGET, daily: { percentOfOrg: 2 } };
    expect(judge(budget, { day: "2026-11-21", calls: 1_999, org: org(10_000) }, "on_close", NOW)).toEqual({ ok: true });
    expect(judge(budget, { day: "2026-11-21", calls: 2_000, org: org(10_000) }, "on_close", NOW)).toEqual({ ok: false, reason: "connector_budget", until: MIDNIGHT });
    // No reading yet: a share of an unknown allowance caps nothing.
    expect(judge(budget, { day: "2026-11-21", calls: 50_000, org: null }, "backfill", NOW)).toEqual({ ok: true });
  });

  it("each tier at its own threshold, re-read 15 minutes after the reading", () => {
    const usage = { day: "2026-11-21", calls: 0, org: org(75_000) };
    expect(judge(DEFAULT_BUDGET, usage, "backfill", NOW)).toEqual({ ok: false, reason: "org_allowance", until: NOW - 60_000 + PROBE_MS });
    expect(judge(DEFAULT_BUDGET, usage, "follow_up", NOW)).toMatchObject({ ok: false, reason: "org_allowance" });
    expect(judge(DEFAULT_BUDGET, usage, "on_close", NOW)).toEqual({ ok: true });
  });

  it("a reading older than a day says nothing: the org's allowance is counted over 24 hours", () => {
    const usage = { day: "2026-11-21", calls: 0, org: org(99_000, NOW - 25 * 3_600_000) };
    expect(judge(DEFAULT_BUDGET, usage, "backfill", NOW)).toEqual({ ok: true });
  });
});
