// The cron's retention pass: processed events, finished conversation rows, escalation and
// deflection records older than RETENTION_DAYS are deleted, a bounded number of batches per run, so a backlog is
// worked off over several runs instead of one long invocation.
import { deleteFinishedConversations } from "./conversations/retention.ts";
import { deleteOldDeflections } from "./deflection/retention.ts";
import { deleteOldEscalations } from "./escalation/retention.ts";
import { deleteProcessedEvents } from "./events/retention.ts";
import { log } from "./log.ts";

export const RETENTION_BATCH = 500;
export const RETENTION_BATCHES_PER_RUN = 10;

export async function applyRetention(db: D1Database, now: Date, days: number): Promise<{ events: number; conversations: number; escalations: number; deflections: number }> {
  const before = new Date(now.getTime() - days * 86_400_000);
  const out = { events: 0, conversations: 0, escalations: 0, deflections: 0 };
  for (const [kind, purge] of [["events", deleteProcessedEvents], ["conversations", deleteFinishedConversations], ["escalations", deleteOldEscalations], ["deflections", deleteOldDeflections]] as const) {
    for (let i = 0; i < RETENTION_BATCHES_PER_RUN; i++) {
      const n = await purge(db, before, RETENTION_BATCH);
      out[kind] += n;
      if (n < RETENTION_BATCH) break;
    }
  }
  if (out.events + out.conversations + out.escalations + out.deflections > 0) log.info("retention.deleted", out);
  return out;
}
