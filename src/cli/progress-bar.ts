// The backfill's progress as one terminal line: a bar over the range read, then the
// conversations read, written and failed, and the time left; pure.
import { duration } from "../backfill/progress.ts";
import type { BackfillProgress } from "../backfill/progress.ts";

/** What the line shows of a backfill's progress, as the admin API answers it. */
export type ProgressLine = Pick<
  BackfillProgress,
  "status" | "dryRun" | "rangeRead" | "read" | "known" | "written" | "failed" | "waiting" | "etaSeconds" | "hold" | "estimate"
>;

function callRange(e: ProgressLine["estimate"]): string {
  if (!e) return "0";
  return e.salesforceCallsAtMost > e.salesforceCalls ? `${e.salesforceCalls}-${e.salesforceCallsAtMost}` : String(e.salesforceCalls);
}

export function progressLine(p: ProgressLine, width = 24): string {
  const done = Math.round(Math.min(1, Math.max(0, p.rangeRead)) * width);
  const bar = `[${"#".repeat(done)}${"-".repeat(width - done)}] ${String(Math.floor(p.rangeRead * 100)).padStart(3)}%`;
  const counts = p.dryRun
    ? `read ${p.read} · new ${p.estimate?.conversations ?? 0} · Leads ${p.estimate?.wouldCreateLead ?? 0} · Salesforce calls ${callRange(p.estimate)}`
    : `read ${p.read} · known ${p.known} · written ${p.written} · failed ${p.failed} · waiting ${p.waiting}`;
  const held = p.hold ? ` · HELD ${p.hold.reason}${p.hold.paths.length ? ` (${p.hold.paths.join(", ")})` : ""} until ${p.hold.retryAt}` : "";
  return `${bar} ${counts} · ETA ${duration(p.etaSeconds)}${held}`;
}

/** What is left to say when it ends. */
export function summary(p: ProgressLine): string {
  if (p.dryRun && p.estimate) {
    const e = p.estimate;
    return `Dry run ${p.status}: ${p.read} conversations in the range, ${e.conversations} new to the connector, ${e.wouldCreateLead} would create a Lead, ${e.salesforceCalls} Salesforce API calls (at most ${e.salesforceCallsAtMost} if some visitors are in Salesforce already)${e.unreadable ? `, ${e.unreadable} unreadable` : ""}.`;
  }
  return `Backfill ${p.status}: ${p.read} conversations read, ${p.known} already known, ${p.written} written, ${p.failed} failed.`;
}
