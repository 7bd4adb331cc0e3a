// The terminal line of `npm run backfill`: the bar follows the range read, and the counts
// and time left are the admin API's.
import { describe, expect, it } from "vitest";
import { duration } from "../../src/backfill/progress.ts";
import { progressLine, summary } from "../../src/cli/progress-bar.ts";
import type { ProgressLine } from "../../src/cli/progress-bar.ts";

const base: ProgressLine = { status: "running", dryRun: false, rangeRead: 0.5, read: 1200, known: 100, written: 1000, failed: 2, waiting: 98, etaSeconds: 200, hold: null, estimate: null };

describe("progressLine", () => {
  it("draws the share of the range read and the counts", () => {
    expect(progressLine(base, 10)).toBe("[#####-----]  50% read 1200 · known 100 · written 1000 · failed 2 · waiting 98 · ETA 3m20s");
  });

  it("says why a backfill is held and what a dry run found", () => {
    expect(progressLine({ ...base, hold: { reason: "iadvize_schema_mismatch", paths: ["Query.closedConversations(interval)"], retryAt: "2026-11-21T10:00:00.000Z" } }, 4)).toContain(
      "HELD iadvize_schema_mismatch (Query.closedConversations(interval)) until 2026-11-21T10:00:00.000Z",
    );
    const dry: ProgressLine = { ...base, status: "done", dryRun: true, rangeRead: 1, etaSeconds: 0, estimate: { conversations: 116, wouldCreateLead: 87, salesforceCalls: 9, salesforceCallsAtMost: 9, unreadable: 0 } };
    expect(progressLine(dry, 4)).toBe("[####] 100% read 1200 · new 116 · Leads 87 · Salesforce calls 9 · ETA 0s");
    expect(summary(dry)).toBe("Dry run done: 1200 conversations in the range, 116 new to the connector, 87 would create a Lead, 9 Salesforce API calls (at most 9 if some visitors are in Salesforce already).");
  });

  it("writes durations briefly", () => {
    expect([duration(null), duration(59), duration(61), duration(3 * 3600 + 120)]).toEqual(["--", "59s", "1m01s", "3h02m"]);
  });
});
