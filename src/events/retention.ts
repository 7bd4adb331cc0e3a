// Retention of received events: a processed event is kept for the audit for a number of
// days, then deleted by the cron in bounded batches (D1 statements stay short).
// Events waiting, or dead, are kept: they are work not done yet.

export async function deleteProcessedEvents(db: D1Database, before: Date, limit: number): Promise<number> {
  const result = await db
    .prepare(
      `DELETE FROM events WHERE rowid IN (
         SELECT rowid FROM events WHERE status = 'processed' AND updated_at < ?1 LIMIT ?2)`,
    )
    .bind(before.toISOString(), limit)
    .run();
  return result.meta.changes;
}
