// Retention of deflection records: deleted with the escalations, once older than
// RETENTION_DAYS, in bounded batches, by the cron. Their limits and links look back a week at most.
import { deleteOlderThan } from "../outreach/audit.ts";

export const deleteOldDeflections = (db: D1Database, before: Date, limit: number): Promise<number> => deleteOlderThan(db, "deflections", before, limit);
