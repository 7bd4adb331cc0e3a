// The scheduled safety net for deflections (outreach/lost.ts): a lost attempt sent again
// where the platform recognises repeats, otherwise of unknown outcome; a retry whose queue
// message was lost, queued again.
import type { Bindings } from "../env.ts";
import { log } from "../log.ts";
import { takeBackLost } from "../outreach/lost.ts";
import { enqueueAll } from "../queues.ts";
import { isIdempotent } from "./providers/index.ts";
import { inEveryDb } from "../tenants/placement.ts";

export function redriveLostDeflections(env: Bindings, now: Date): Promise<number> {
  return inEveryDb(env, (db) => redriveIn(env, db, now));
}

async function redriveIn(env: Bindings, db: D1Database, now: Date): Promise<number> {
  const lost = await takeBackLost(db, "deflections", isIdempotent, now);
  if (lost.requeue.length === 0 && lost.unknown === 0) return 0;
  await enqueueAll(env.DEFLECTION_QUEUE, lost.requeue.map((r) => ({ tenantId: r.tenant_id, deflectionId: r.id })));
  log.warn("deflections.lost", { retried: lost.retried, unknown: lost.unknown, requeued: lost.requeue.length - lost.retried });
  return lost.requeue.length + lost.unknown;
}
