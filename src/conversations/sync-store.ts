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
      `UPDATE conversations SET sync_status = 'pending', sync_lease_until = NULL, sync_error = NULL, updated_at = ?3
       WHERE tenant_id = ?1 AND conversation_id = ?2 AND status = 'closed'`,
    )
    .bind(tenantId, conversationId, now.toISOString());
}

const Claimed = z.object({
  conversation_id: z.string(),
  visitor_id: z.string().nullable(),
  channel: z.string().nullable(),
  started_at: z.string().nullable(),
  closed_at: z.string().nullable(),
  operator_ids: z.string(),
  satisfaction: z.string().nullable(),
  synced_hash: z.string().nullable(),
  sync_attempts: z.number(),
});
export type Claimed = z.infer<typeof Claimed>;

/** Claims up to `limit` pending conversations of a tenant (or syncing ones whose lease ran out). */
export async function claimPending(db: D1Database, tenantId: string, limit: number, leaseMs: number, now: Date): Promise<Claimed[]> {
  const { results } = await db
    .prepare(
      `UPDATE conversations SET sync_status = 'syncing', sync_lease_until = ?3
       WHERE rowid IN (
         SELECT rowid FROM conversations
         WHERE tenant_id = ?1 AND (sync_status = 'pending' OR (sync_status = 'syncing' AND sync_lease_until < ?4))
         ORDER BY updated_at LIMIT ?2)
       RETURNING conversation_id, visitor_id, channel, started_at, closed_at, operator_ids, satisfaction, synced_hash, sync_attempts`,
    )
    .bind(tenantId, limit, new Date(now.getTime() + leaseMs).toISOString(), now.toISOString())
    .all();
  return z.array(Claimed).parse(results);
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
         synced_at = ?3, synced_hash = ?4, sf_match = ?5,
         sf_conversation_id = coalesce(?6, sf_conversation_id), sf_lead_id = ?7, sf_contact_id = ?8, sync_warnings = ?9
       WHERE tenant_id = ?1 AND conversation_id = ?2 AND sync_status = 'syncing'`,
    )
    .bind(tenantId, r.conversationId, now.toISOString(), r.hash, r.match, r.sfConversationId, r.sfLeadId, r.sfContactId, JSON.stringify(r.warnings));
}

/** Nothing changed since the last sync: synced again without a write. */
export function unchangedStatement(db: D1Database, tenantId: string, conversationId: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE conversations SET sync_status = 'synced', sync_lease_until = NULL
       WHERE tenant_id = ?1 AND conversation_id = ?2 AND sync_status = 'syncing'`,
    )
    .bind(tenantId, conversationId);
}

/** A failure that will not go away by retrying: kept with Salesforce's code and fields. */
export function failedStatement(db: D1Database, tenantId: string, conversationId: string, error: unknown, now: Date): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE conversations SET sync_status = 'failed', sync_lease_until = NULL, sync_error = ?3, sync_attempts = sync_attempts + 1, updated_at = ?4
       WHERE tenant_id = ?1 AND conversation_id = ?2 AND sync_status = 'syncing'`,
    )
    .bind(tenantId, conversationId, JSON.stringify(error), now.toISOString());
}

/** Back to pending, for the next run, with what went wrong this time. */
export function releaseStatement(db: D1Database, tenantId: string, conversationId: string, error: unknown, countAttempt: boolean): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE conversations SET sync_status = 'pending', sync_lease_until = NULL, sync_error = ?3,
         sync_attempts = sync_attempts + ?4
       WHERE tenant_id = ?1 AND conversation_id = ?2 AND sync_status = 'syncing'`,
    )
    .bind(tenantId, conversationId, JSON.stringify(error), countAttempt ? 1 : 0);
}

export async function hasPending(db: D1Database, tenantId: string): Promise<boolean> {
  const row = await db.prepare(`SELECT 1 AS x FROM conversations WHERE tenant_id = ?1 AND sync_status = 'pending' LIMIT 1`).bind(tenantId).first();
  return row !== null;
}

/** Tenants with conversations waiting longer than they should: their sync message was lost. */
export async function tenantsWithStalePending(db: D1Database, olderThan: Date): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT DISTINCT tenant_id FROM conversations
       WHERE (sync_status = 'pending' AND updated_at < ?1) OR (sync_status = 'syncing' AND sync_lease_until < ?1)`,
    )
    .bind(olderThan.toISOString())
    .all<{ tenant_id: string }>();
  return results.map((r) => r.tenant_id);
}

/** Failed conversations back to pending, for a re-drive; returns how many. */
export async function requeueFailed(db: D1Database, tenantId: string, now: Date): Promise<number> {
  const result = await db
    .prepare(`UPDATE conversations SET sync_status = 'pending', sync_attempts = 0, updated_at = ?2 WHERE tenant_id = ?1 AND sync_status = 'failed'`)
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
