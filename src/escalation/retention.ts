// Retention of escalation records: deleted once older than the retention period, in
// bounded batches, by the cron. Their limits look back a day at most.

export async function deleteOldEscalations(db: D1Database, before: Date, limit: number): Promise<number> {
  const result = await db
    .prepare(`DELETE FROM escalations WHERE rowid IN (SELECT rowid FROM escalations WHERE created_at < ?1 LIMIT ?2)`)
    .bind(before.toISOString(), limit)
    .run();
  return result.meta.changes;
}
