// Backfills in D1: created once per tenant at a time, a step claimed by one invocation at a
// time (a lease), its place and counts saved together with the conversations it brought,
// held with a reason, finished or cancelled.
import * as z from "zod";

export type BackfillStatus = "running" | "held" | "done" | "cancelled";

const Row = z.object({
  id: z.string(),
  tenant_id: z.string(),
  range_from: z.string(),
  range_to: z.string(),
  dry_run: z.number(),
  status: z.enum(["running", "held", "done", "cancelled"]),
  window_from: z.string(),
  page_after: z.string().nullable(),
  read_count: z.number(),
  queued_count: z.number(),
  failed_reads: z.number(),
  lead_count: z.number(),
  calls_estimate: z.number(),
  calls_at_most: z.number(),
  hold_reason: z.string().nullable(),
  hold_paths: z.string(),
  hold_step: z.number(),
  next_at: z.string(),
  lease_until: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  finished_at: z.string().nullable(),
});
export type BackfillRow = z.infer<typeof Row>;

export interface NewBackfill {
  id: string;
  tenantId: string;
  from: Date;
  to: Date;
  dryRun: boolean;
}

/** The new backfill, or null when the tenant has an active one already (the unique index says so). */
export async function createBackfill(db: D1Database, b: NewBackfill, now: Date): Promise<BackfillRow | null> {
  const at = now.toISOString();
  const row = await db
    .prepare(
      `INSERT INTO backfills (id, tenant_id, range_from, range_to, dry_run, status, window_from, next_at, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, 'running', ?3, ?6, ?6, ?6)
       ON CONFLICT DO NOTHING RETURNING *`,
    )
    .bind(b.id, b.tenantId, b.from.toISOString(), b.to.toISOString(), b.dryRun ? 1 : 0, at)
    .first();
  return row ? Row.parse(row) : null;
}

/** The tenant's active backfill, else its latest one. */
export async function currentBackfill(db: D1Database, tenantId: string): Promise<BackfillRow | null> {
  const row = await db
    .prepare(`SELECT * FROM backfills WHERE tenant_id = ?1 ORDER BY status IN ('running', 'held') DESC, created_at DESC LIMIT 1`)
    .bind(tenantId)
    .first();
  return row ? Row.parse(row) : null;
}

/** One step at a time: the backfill is claimed until `leaseMs` from now, if it is active, due and not claimed. */
export async function claimStep(db: D1Database, id: string, now: Date, leaseMs: number): Promise<BackfillRow | null> {
  const at = now.toISOString();
  const row = await db
    .prepare(
      `UPDATE backfills SET lease_until = ?3
       WHERE id = ?1 AND status IN ('running', 'held') AND next_at <= ?2 AND (lease_until IS NULL OR lease_until < ?2)
       RETURNING *`,
    )
    .bind(id, at, new Date(now.getTime() + leaseMs).toISOString())
    .first();
  return row ? Row.parse(row) : null;
}

export interface Advance {
  windowFrom: Date;
  pageAfter: string | null;
  read: number;
  /** Dry run: conversations new to the connector (a real run counts those it inserted). */
  fresh?: number;
  failedReads?: number;
  leads?: number;
  calls?: number;
  callsAtMost?: number;
  done: boolean;
  nextAt: Date;
  /** The step ends here: its claim is released. */
  release: boolean;
}

/**
 * The step's outcome, saved only if the step still holds its claim (a cancel meanwhile
 * wins): the new place in the range and the counts; a hold is cleared.
 */
export function advanceStatement(db: D1Database, id: string, a: Advance, now: Date): D1PreparedStatement {
  const at = now.toISOString();
  return db
    .prepare(
      `UPDATE backfills SET window_from = ?2, page_after = ?3, read_count = read_count + ?4, failed_reads = failed_reads + ?5,
         lead_count = lead_count + ?6, calls_estimate = calls_estimate + ?7, calls_at_most = calls_at_most + ?13,
         queued_count = CASE WHEN dry_run = 1 THEN queued_count + ?11 ELSE (SELECT count(*) FROM conversations WHERE backfill_id = ?1) END,
         status = CASE WHEN ?8 = 1 THEN 'done' ELSE 'running' END, finished_at = CASE WHEN ?8 = 1 THEN ?9 ELSE NULL END,
         hold_reason = NULL, hold_paths = '[]', hold_step = 0, next_at = ?10,
         lease_until = CASE WHEN ?12 = 1 THEN NULL ELSE lease_until END, updated_at = ?9
       WHERE id = ?1 AND status IN ('running', 'held')`,
    )
    .bind(id, a.windowFrom.toISOString(), a.pageAfter, a.read, a.failedReads ?? 0, a.leads ?? 0, a.calls ?? 0, a.done ? 1 : 0, at, a.nextAt.toISOString(), a.fresh ?? 0, a.release ? 1 : 0, a.callsAtMost ?? 0);
}

/** Nothing read this time (the sync has not caught up): the step is due again at `nextAt`; `updated_at` keeps the last progress. */
export async function postpone(db: D1Database, id: string, nextAt: Date): Promise<void> {
  await db.prepare(`UPDATE backfills SET next_at = ?2, lease_until = NULL WHERE id = ?1 AND status IN ('running', 'held')`).bind(id, nextAt.toISOString()).run();
}

/** Waits for a service or a fix, at its place in the range: nothing is lost, the step is tried again at `nextAt`. */
export async function holdBackfill(db: D1Database, id: string, hold: { reason: string; paths: readonly string[] }, nextAt: Date, now: Date): Promise<void> {
  await db
    .prepare(
      `UPDATE backfills SET status = 'held', hold_reason = ?2, hold_paths = ?3, hold_step = hold_step + 1, next_at = ?4, lease_until = NULL, updated_at = ?5
       WHERE id = ?1 AND status IN ('running', 'held')`,
    )
    .bind(id, hold.reason, JSON.stringify(hold.paths), nextAt.toISOString(), now.toISOString())
    .run();
}

/** Stops the tenant's active backfill; what it handed to the sync is synced. Returns it, or null when none was active. */
export async function cancelBackfill(db: D1Database, tenantId: string, now: Date): Promise<BackfillRow | null> {
  const at = now.toISOString();
  const row = await db
    .prepare(
      `UPDATE backfills SET status = 'cancelled', finished_at = ?2, lease_until = NULL, updated_at = ?2
       WHERE tenant_id = ?1 AND status IN ('running', 'held') RETURNING *`,
    )
    .bind(tenantId, at)
    .first();
  return row ? Row.parse(row) : null;
}

/** Backfills whose step is overdue by `lateMs` (their message was lost, or the Worker restarted): the cron sends them again. */
export async function overdueBackfills(db: D1Database, now: Date, lateMs: number, limit = 100): Promise<{ id: string; tenant_id: string }[]> {
  const { results } = await db
    .prepare(
      `SELECT id, tenant_id FROM backfills WHERE status IN ('running', 'held') AND next_at < ?1 AND (lease_until IS NULL OR lease_until < ?2) LIMIT ?3`,
    )
    .bind(new Date(now.getTime() - lateMs).toISOString(), now.toISOString(), limit)
    .all<{ id: string; tenant_id: string }>();
  return results;
}

/** The backfill's conversations by sync status. */
export async function backfillSyncCounts(db: D1Database, id: string): Promise<Record<string, number>> {
  const { results } = await db
    .prepare(`SELECT sync_status AS s, count(*) AS n FROM conversations WHERE backfill_id = ?1 GROUP BY sync_status`)
    .bind(id)
    .all<{ s: string; n: number }>();
  return Object.fromEntries(results.map((r) => [r.s, r.n]));
}

/** Conversations of the backfill the sync has not tried yet: the next page waits for them. */
export async function untried(db: D1Database, id: string): Promise<number> {
  const n = await db
    .prepare(
      `SELECT count(*) AS n FROM conversations
       WHERE backfill_id = ?1 AND (sync_status = 'syncing' OR (sync_status = 'pending' AND sync_attempts = 0))`,
    )
    .bind(id)
    .first<number>("n");
  return n ?? 0;
}

/**
 * The conversation, new to the connector, closed and waiting for its sync; one already known (live or earlier) is left as it is.
 * One that only a late event made known (a transaction, a survey answer: no close came) was never synced: the backfill takes it.
 */
export function insertConversationStatement(
  db: D1Database,
  tenantId: string,
  backfillId: string,
  c: { id: string; createdAt: string; closedAt: string | null; channel: string },
  now: Date,
): D1PreparedStatement {
  const at = now.toISOString();
  return db
    .prepare(
      `INSERT INTO conversations (tenant_id, conversation_id, status, channel, started_at, closed_at, updated_at, sync_status, sync_due_at, origin, backfill_id)
       VALUES (?1, ?2, 'closed', ?3, ?4, ?5, ?6, 'pending', ?6, 'backfill', ?7)
       ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET
         status = 'closed', channel = coalesce(conversations.channel, excluded.channel), started_at = coalesce(conversations.started_at, excluded.started_at),
         closed_at = coalesce(conversations.closed_at, excluded.closed_at), updated_at = excluded.updated_at, sync_status = 'pending',
         sync_due_at = excluded.sync_due_at, origin = 'backfill', backfill_id = excluded.backfill_id
       WHERE conversations.sync_status = 'none'`,
    )
    .bind(tenantId, c.id, c.channel, c.createdAt, c.closedAt, at, backfillId);
}

/** Which of these conversation ids the connector knows already (synced or on their way; not one only a late event made known). */
export async function knownIds(db: D1Database, tenantId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { results } = await db
    .prepare(`SELECT conversation_id FROM conversations WHERE tenant_id = ?1 AND sync_status <> 'none' AND conversation_id IN (SELECT value FROM json_each(?2))`)
    .bind(tenantId, JSON.stringify(ids))
    .all<{ conversation_id: string }>();
  return new Set(results.map((r) => r.conversation_id));
}
