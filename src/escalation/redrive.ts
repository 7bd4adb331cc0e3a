// The scheduled safety net for escalations (outreach/lost.ts): a lost attempt sent again
// where the platform recognises repeats, otherwise of unknown outcome; a retry whose
// queue message was lost, queued again.
import type { Bindings } from "../env.ts";
import { log } from "../log.ts";
import { takeBackLost } from "../outreach/lost.ts";
import { enqueueAll } from "../queues.ts";
import { isIdempotent } from "./providers/index.ts";
import { inEveryDb } from "../tenants/placement.ts";

export { LOST_AFTER_MS, RETRY_LOST_AFTER_MS } from "../outreach/lost.ts";

export function redriveLostEscalations(env: Bindings, now: Date): Promise<number> {
  return inEveryDb(env, (db) => redriveIn(env, db, now));
}

async function redriveIn(env: Bindings, db: D1Database, now: Date): Promise<number> {
  const lost = await takeBackLost(db, "escalations", isIdempotent, now);
  if (lost.requeue.length === 0 && lost.unknown === 0) return 0;
  await enqueueAll(env.ESCALATION_QUEUE, lost.requeue.map((r) => ({ tenantId: r.tenant_id, escalationId: r.id })));
  log.warn("escalations.lost", { retried: lost.retried, unknown: lost.unknown, requeued: lost.requeue.length - lost.retried });
  return lost.requeue.length + lost.unknown;
}
