// The Salesforce sync state of conversations in D1: pending after a close, claimed by
// one sync run at a time (a lease), then synced with the Salesforce ids, failed with
// the reason, or back to pending for a retry.
import * as z from "zod";

export type SyncStatus = "none" | "pending" | "syncing" | "synced" | "failed";

/**
 * A closed conversation needs a sync; one that is not closed yet is left alone. One being
 * synced goes back to pending too: the run under way then leaves it for the next run,
 * which writes what changed meanwhile (the Lead's unique visitor id keeps two runs from
 * creating two Leads).
 */
export function markPendingStatement(db: D1Database, tenantId: string, conversationId: string, now: Date): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE conversations SET sync_status = 'pending', sync_lease_until = NULL, sync_error = NULL, updated_at = ?3,
         sync_due_at = ?3, sync_failing_since = NULL
       WHERE tenant_id = ?1 AND conversation_id = ?2 AND status = 'closed'`,
    )
    .bind(tenantId, conversationId, now.toISOString());
}

const Claimed = z.object({
  conversation_id: z.string(),
  status: z.enum(["open", "closed"]),
  last_pushed_at: z.string().nullable(),
  visitor_id: z.string().nullable(),
  channel: z.string().nullable(),
  started_at: z.string().nullable(),
  closed_at: z.string().nullable(),
  operator_ids: z.string(),
  satisfaction: z.string().nullable(),
  transactions: z.string().nullable(),
  origin: z.string(),
  synced_hash: z.string().nullable(),
  sync_attempts: z.number(),
  sync_failing_since: z.string().nullable(),
});
export type Claimed = z.infer<typeof Claimed>;

/** How many of a tenant's pending conversations are due now, and since when the oldest waits. */
export async function dueBacklog(db: D1Database, tenantId: string, now: Date): Promise<{ count: number; oldest: string | null }> {
  const row = await db
    .prepare("SELECT COUNT(*) AS count, MIN(sync_due_at) AS oldest FROM conversations WHERE tenant_id = ?1 AND sync_status = 'pending' AND sync_due_at <= ?2")
    .bind(tenantId, now.toISOString())
    .first<{ count: number; oldest: string | null }>();
  return { count: row?.count ?? 0, oldest: row?.oldest ?? null };
}

/** A due conversation whose iAdvize read may be made early: closed, live (not backfilled), never followed. */
export interface Prefetchable {
  conversation_id: string;
  closed_at: string | null;
  last_pushed_at: string | null;
}

/** At most `limit` of a tenant's due pending conversations that may be read early. */
export async function prefetchable(db: D1Database, tenantId: string, now: Date, limit: number): Promise<Prefetchable[]> {
  const { results } = await db
    .prepare(
      `SELECT conversation_id, closed_at, last_pushed_at FROM conversations c
       WHERE tenant_id = ?1 AND sync_status = 'pending' AND sync_due_at <= ?2 AND status = 'closed' AND origin = 'live'
         AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.tenant_id = c.tenant_id AND f.conversation_id = c.conversation_id)
       LIMIT ?3`,
    )
    .bind(tenantId, now.toISOString(), limit)
    .all<Prefetchable>();
  return results;
}

/** Claims up to `limit` due pending conversations of a tenant (or syncing ones whose lease ran out). */
export async function claimPending(db: D1Database, tenantId: string, limit: number, leaseMs: number, now: Date): Promise<Claimed[]> {
  const at = now.toISOString();
  const { results } = await db
    .prepare(
      `UPDATE conversations SET sync_status = 'syncing', sync_lease_until = ?3
       WHERE rowid IN (
         SELECT rowid FROM conversations WHERE tenant_id = ?1 AND sync_status = 'pending' AND sync_due_at <= ?4
         UNION ALL
         SELECT rowid FROM conversations WHERE tenant_id = ?1 AND sync_status = 'syncing' AND sync_lease_until < ?4
         LIMIT ?2)
       RETURNING conversation_id, status, last_pushed_at, visitor_id, channel, started_at, closed_at, operator_ids, satisfaction, transactions, origin, synced_hash, sync_attempts, sync_failing_since`,
    )
    .bind(tenantId, limit, new Date(now.getTime() + leaseMs).toISOString(), at)
    .all();
  return z.array(Claimed).parse(results);
}

/** The run is still working on these: their lease is extended, so a crash is noticed soon but a slow run is not. */
export function renewLeaseStatement(db: D1Database, tenantId: string, conversationIds: readonly string[], until: Date): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE conversations SET sync_lease_until = ?2
       WHERE tenant_id = ?1 AND sync_status = 'syncing' AND conversation_id IN (SELECT value FROM json_each(?3))`,
    )
    .bind(tenantId, until.toISOString(), JSON.stringify(conversationIds));
}

export interface SyncedRecord {
  conversationId: string;
  hash: string;
  match: string;
  sfConversationId: string | null;
  sfLeadId: string | null;
  sfContactId: string | null;
  warnings: unknown[];
}

export function syncedStatement(db: D1Database, tenantId: string, r: SyncedRecord, now: Date): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE conversations SET sync_status = 'synced', sync_lease_until = NULL, sync_error = NULL, sync_attempts = 0,
         sync_due_at = NULL, sync_failing_since = NULL, synced_at = ?3, synced_hash = ?4, sf_match = ?5,
         sf_conversation_id = coalesce(?6, sf_conversation_id), sf_lead_id = ?7, sf_contact_id = ?8, sync_warnings = ?9
       WHERE tenant_id = ?1 AND conversation_id = ?2 AND sync_status = 'syncing'`,
    )
    .bind(tenantId, r.conversationId, now.toISOString(), r.hash, r.match, r.sfConversationId, r.sfLeadId, r.sfContactId, JSON.stringify(r.warnings));
}

/** Nothing changed since the last sync: synced again without a write. */
export function unchangedStatement(db: D1Database, tenantId: string, conversationId: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE conversations SET sync_status = 'synced', sync_lease_until = NULL, sync_due_at = NULL, sync_failing_since = NULL
       WHERE tenant_id = ?1 AND conversation_id = ?2 AND sync_status = 'syncing'`,
    )
    .bind(tenantId, conversationId);
}

/** A failure that will not go away by retrying: kept with Salesforce's code and fields. */
export function failedStatement(db: D1Database, tenantId: string, conversationId: string, error: unknown, now: Date): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE conversations SET sync_status = 'failed', sync_lease_until = NULL, sync_due_at = NULL, sync_error = ?3,
         sync_attempts = sync_attempts + 1, updated_at = ?4
       WHERE tenant_id = ?1 AND conversation_id = ?2 AND sync_status = 'syncing'`,
    )
    .bind(tenantId, conversationId, JSON.stringify(error), now.toISOString());
}

/**
 * Back to pending, with what went wrong this time. A failure of this conversation
 * counts an attempt and waits until `retry.dueAt`; a failure of the service (the
 * tenant is held meanwhile) counts nothing and is due at once.
 */
export function releaseStatement(
  db: D1Database,
  tenantId: string,
  conversationId: string,
  error: unknown,
  now: Date,
  retry?: { dueAt: Date },
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE conversations SET sync_status = 'pending', sync_lease_until = NULL, sync_error = ?3,
         sync_attempts = sync_attempts + ?4, sync_due_at = ?5,
         sync_failing_since = CASE WHEN ?4 = 1 THEN coalesce(sync_failing_since, ?6) ELSE sync_failing_since END
       WHERE tenant_id = ?1 AND conversation_id = ?2 AND sync_status = 'syncing'`,
    )
    .bind(tenantId, conversationId, JSON.stringify(error), retry ? 1 : 0, (retry?.dueAt ?? now).toISOString(), now.toISOString());
}

/**
 * Paused by the Salesforce API budget: pending again, due when the allowance allows, no
 * attempt spent and no failure clock started (the budget is the tenant's, not the conversation's).
 */
export function deferStatement(db: D1Database, tenantId: string, conversationId: string, error: unknown, dueAt: Date): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE conversations SET sync_status = 'pending', sync_lease_until = NULL, sync_error = ?3, sync_due_at = ?4
       WHERE tenant_id = ?1 AND conversation_id = ?2 AND sync_status = 'syncing'`,
    )
    .bind(tenantId, conversationId, JSON.stringify(error), dueAt.toISOString());
}

export async function hasPending(db: D1Database, tenantId: string): Promise<boolean> {
  const row = await db.prepare(`SELECT 1 AS x FROM conversations WHERE tenant_id = ?1 AND sync_status = 'pending' LIMIT 1`).bind(tenantId).first();
  return row !== null;
}

/** When the tenant's next pending conversation falls due, if any waits. */
export async function nextDue(db: D1Database, tenantId: string): Promise<Date | null> {
  const at = await db
    .prepare(`SELECT min(sync_due_at) AS at FROM conversations WHERE tenant_id = ?1 AND sync_status = 'pending'`)
    .bind(tenantId)
    .first<string | null>("at");
  return at ? new Date(at) : null;
}

/**
 * Tenants not held whose conversations wait longer than they should: due for more than
 * `staleMs` (their sync message was lost), or claimed by a run whose lease ran out.
 */
export async function tenantsWithStalePending(db: D1Database, now: Date, staleMs: number, limit = 500): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT tenant_id FROM (
         SELECT tenant_id FROM conversations WHERE sync_status = 'pending' AND sync_due_at < ?1
         UNION
         SELECT tenant_id FROM conversations WHERE sync_status = 'syncing' AND sync_lease_until < ?2)
       WHERE tenant_id NOT IN (SELECT tenant_id FROM tenant_holds) LIMIT ?3`,
    )
    .bind(new Date(now.getTime() - staleMs).toISOString(), now.toISOString(), limit)
    .all<{ tenant_id: string }>();
  return results.map((r) => r.tenant_id);
}

/**
 * Error codes of failures that were the service's, not the conversation's: the old
 * count of runs (`retries_exhausted`), outages, refused logins, the API allowance, and
 * GraphQL or read errors that are now contract holds. The cron takes these back.
 */
export const TRANSIENT_FAILURE_CODES = [
  "retries_exhausted",
  "iadvize_unavailable",
  "iadvize_unreachable",
  "iadvize_error",
  "iadvize_bad_answer",
  "iadvize_login_rate_limited",
  "iadvize_login_pending",
  "iadvize_graphql_error",
  "iadvize_conversation_vanished",
  "salesforce_unavailable",
  "salesforce_error",
  "salesforce_bad_answer",
  "salesforce_request_limit_exceeded",
  "salesforce_read_failed",
  "salesforce_login_pending",
] as const;

/** Failures of the last `windowMs` whose cause was transient, back to pending (at most `limit`); returns the tenants. */
export async function takeBackTransientFailures(db: D1Database, now: Date, windowMs: number, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      `UPDATE conversations SET sync_status = 'pending', sync_attempts = 0, sync_due_at = ?2, sync_failing_since = NULL, updated_at = ?2
       WHERE rowid IN (
         SELECT rowid FROM conversations
         WHERE sync_status = 'failed' AND updated_at > ?1
           AND json_extract(sync_error, '$.code') IN (SELECT value FROM json_each(?3))
         LIMIT ?4)
       RETURNING tenant_id`,
    )
    .bind(new Date(now.getTime() - windowMs).toISOString(), now.toISOString(), JSON.stringify(TRANSIENT_FAILURE_CODES), limit)
    .all<{ tenant_id: string }>();
  return [...new Set(results.map((r) => r.tenant_id))];
}

/** Failed conversations back to pending, for a re-drive; returns how many. */
export async function requeueFailed(db: D1Database, tenantId: string, now: Date): Promise<number> {
  const result = await db
    .prepare(
      `UPDATE conversations SET sync_status = 'pending', sync_attempts = 0, sync_due_at = ?2, sync_failing_since = NULL, updated_at = ?2
       WHERE tenant_id = ?1 AND sync_status = 'failed'`,
    )
    .bind(tenantId, now.toISOString())
    .run();
  return result.meta.changes;
}

export async function syncCounts(db: D1Database, tenantId: string): Promise<Record<SyncStatus, number>> {
  const { results } = await db
    .prepare(`SELECT sync_status AS s, COUNT(*) AS n FROM conversations WHERE tenant_id = ?1 GROUP BY sync_status`)
    .bind(tenantId)
    .all<{ s: SyncStatus; n: number }>();
  const out: Record<SyncStatus, number> = { none: 0, pending: 0, syncing: 0, synced: 0, failed: 0 };
  for (const r of results) out[r.s] = r.n;
  return out;
}
