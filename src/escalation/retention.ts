// Retention of escalation records: deleted once older than the retention period, in
// bounded batches, by the cron. Their limits look back a day at most.
import { deleteOlderThan } from "../outreach/audit.ts";

export const deleteOldEscalations = (db: D1Database, before: Date, limit: number): Promise<number> => deleteOlderThan(db, "escalations", before, limit);
