// Retention of conversation rows: one whose work is finished (synced, or failed and shown
// to the admin) and untouched for RETENTION_DAYS is deleted by the cron, in bounded
// batches. Kept: pending, syncing and never-synced rows, followed ones, and those of a
// backfill still running or held. Salesforce keeps the records; a late event for a
// deleted row is merged into its record, found by its external id (salesforce/existing.ts).

export async function deleteFinishedConversations(db: D1Database, before: Date, limit: number): Promise<number> {
  const result = await db
    .prepare(
      `DELETE FROM conversations WHERE rowid IN (
         SELECT rowid FROM conversations c
         WHERE c.sync_status IN ('synced', 'failed') AND c.updated_at < ?1 AND coalesce(c.synced_at, '') < ?1
           AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.tenant_id = c.tenant_id AND f.conversation_id = c.conversation_id)
           AND (c.backfill_id IS NULL OR NOT EXISTS (SELECT 1 FROM backfills b WHERE b.id = c.backfill_id AND b.status IN ('running', 'held')))
         LIMIT ?2)`,
    )
    .bind(before.toISOString(), limit)
    .run();
  return result.meta.changes;
}
