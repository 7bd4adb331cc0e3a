// What the admin API, the console and the terminal show of a backfill: how far it read,
// what the sync did with what it brought, and an estimate of the time left; pure.
import type { BackfillRow } from "./store.ts";

export interface BackfillProgress {
  id: string;
  tenantId: string;
  from: string;
  to: string;
  dryRun: boolean;
  status: BackfillRow["status"];
  /** Share of the range read, 0 to 1. */
  rangeRead: number;
  /** Conversations iAdvize listed in the range so far. */
  read: number;
  /** Of those, new to the connector (handed to the sync; a dry run: would be), and already known (live or from an earlier backfill). */
  queued: number;
  known: number;
  /** Of those handed to the sync: written to Salesforce, failed, still waiting. */
  written: number;
  failed: number;
  waiting: number;
  /** Seconds left at the pace so far; null before there is a pace to judge by. */
  etaSeconds: number | null;
  hold: { reason: string; paths: string[]; retryAt: string } | null;
  /** A dry run's findings: what the real run would read and cost. */
  estimate: { conversations: number; wouldCreateLead: number; salesforceCalls: number; salesforceCallsAtMost: number; unreadable: number } | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

function paths(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}

export function progressOf(row: BackfillRow, counts: Record<string, number>, now: Date): BackfillProgress {
  const from = Date.parse(row.range_from);
  const to = Date.parse(row.range_to);
  const rangeRead = to > from ? Math.min(1, Math.max(0, (Date.parse(row.window_from) - from) / (to - from))) : 1;
  const written = counts.synced ?? 0;
  const failed = counts.failed ?? 0;
  const dryRun = row.dry_run === 1;
  const queued = row.queued_count;
  const waiting = dryRun ? 0 : Math.max(0, queued - written - failed);
  const finished = row.status === "done" || row.status === "cancelled";
  // The pace of reading is the range read by the last step; the sync's, what it settled by now.
  const readFor = Math.max(0, Date.parse(row.updated_at) - Date.parse(row.created_at)) / 1000;
  const elapsed = Math.max(0, now.getTime() - Date.parse(row.created_at)) / 1000;
  let etaSeconds: number | null = null;
  if (finished && waiting === 0) etaSeconds = 0;
  else if (rangeRead < 1) etaSeconds = rangeRead > 0 && readFor > 0 ? Math.round((readFor * (1 - rangeRead)) / rangeRead) : null;
  else if (written + failed > 0) etaSeconds = Math.round((waiting * elapsed) / (written + failed));
  else if (waiting === 0) etaSeconds = 0;
  return {
    id: row.id,
    tenantId: row.tenant_id,
    from: row.range_from,
    to: row.range_to,
    dryRun,
    status: row.status,
    rangeRead,
    read: row.read_count,
    queued,
    known: row.read_count - queued,
    written,
    failed,
    waiting,
    etaSeconds,
    hold: row.hold_reason ? { reason: row.hold_reason, paths: paths(row.hold_paths), retryAt: row.next_at } : null,
    estimate: dryRun ? { conversations: row.queued_count, wouldCreateLead: row.lead_count, salesforceCalls: row.calls_estimate, salesforceCallsAtMost: row.calls_at_most, unreadable: row.failed_reads } : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

/** A time left, briefly: 59s, 1m01s, 3h02m; -- when unknown. */
export function duration(seconds: number | null): string {
  if (seconds === null) return "--";
  if (seconds < 60) return `${seconds}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
