// The admin's view of a capability's requests: counted over a period by the outcome the
// caller was told, from the status and reason each table keeps (never a number).

/** The tables whose rows are requests with a status and a reason. */
export type AuditedTable = "escalations" | "deflections";

/** How many requests a row stands for: deflection refusals are counted per minute in one row. */
const REQUESTS: Record<AuditedTable, string> = { escalations: "1", deflections: "requests" };

export async function countsByOutcome<S extends string>(
  db: D1Database,
  table: AuditedTable,
  tenantId: string,
  since: Date,
  outcomeOf: (status: S, reason: string | null) => string,
): Promise<Record<string, number>> {
  const { results } = await db
    .prepare(`SELECT status, reason, SUM(${REQUESTS[table]}) AS n FROM ${table} WHERE tenant_id = ?1 AND created_at >= ?2 GROUP BY status, reason`)
    .bind(tenantId, since.toISOString())
    .all<{ status: S; reason: string | null; n: number }>();
  const counts: Record<string, number> = {};
  for (const r of results) {
    const outcome = outcomeOf(r.status, r.reason);
    counts[outcome] = (counts[outcome] ?? 0) + r.n;
  }
  return counts;
}

/** Rows older than `before`, deleted in a bounded batch (the cron's retention); how many. */
export async function deleteOlderThan(db: D1Database, table: AuditedTable, before: Date, limit: number): Promise<number> {
  const result = await db
    .prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE created_at < ?1 LIMIT ?2)`)
    .bind(before.toISOString(), limit)
    .run();
  return result.meta.changes;
}
