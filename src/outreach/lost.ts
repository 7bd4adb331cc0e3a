// The scheduled safety net of every capability that retries from a queue. A request
// still 'requested' minutes later lost its attempt with the invocation that made it:
// tried again where the platform recognises repeats, otherwise marked of unknown
// outcome, never sent twice. One still 'retrying' long after its last attempt lost its
// queue message: queued again (an attempt claims the row first, so a message delivered
// twice acts once).
import type { AuditedTable } from "./audit.ts";

export const LOST_AFTER_MS = 5 * 60 * 1000;
/** Longer than the longest delay between two queued attempts. */
export const RETRY_LOST_AFTER_MS = 15 * 60 * 1000;

export interface Lost {
  /** Rows to queue again: their attempt retried, or their lost message replaced. */
  requeue: { id: string; tenant_id: string }[];
  retried: number;
  unknown: number;
}

export async function takeBackLost(db: D1Database, table: AuditedTable, idempotent: (provider: string) => boolean, now: Date): Promise<Lost> {
  const { results } = await db
    .prepare(
      `SELECT id, tenant_id, provider, status FROM ${table}
       WHERE (status = 'requested' AND updated_at < ?1) OR (status = 'retrying' AND updated_at < ?2) LIMIT 500`,
    )
    .bind(new Date(now.getTime() - LOST_AFTER_MS).toISOString(), new Date(now.getTime() - RETRY_LOST_AFTER_MS).toISOString())
    .all<{ id: string; tenant_id: string; provider: string; status: string }>();
  if (results.length === 0) return { requeue: [], retried: 0, unknown: 0 };
  const lostMessages = results.filter((r) => r.status === "retrying");
  const lostAttempts = results.filter((r) => r.status === "requested");
  const retry = lostAttempts.filter((r) => idempotent(r.provider));
  const unknown = lostAttempts.filter((r) => !idempotent(r.provider));
  const at = now.toISOString();
  await db.batch([
    ...retry.map((r) => db.prepare(`UPDATE ${table} SET status = 'retrying', reason = 'lost_attempt', updated_at = ?2 WHERE id = ?1 AND status = 'requested'`).bind(r.id, at)),
    ...unknown.map((r) => db.prepare(`UPDATE ${table} SET status = 'unknown_outcome', reason = 'lost_attempt', updated_at = ?2 WHERE id = ?1 AND status = 'requested'`).bind(r.id, at)),
    ...lostMessages.map((r) => db.prepare(`UPDATE ${table} SET updated_at = ?2 WHERE id = ?1 AND status = 'retrying'`).bind(r.id, at)),
  ]);
  return { requeue: [...retry, ...lostMessages].map((r) => ({ id: r.id, tenant_id: r.tenant_id })), retried: retry.length, unknown: unknown.length };
}
