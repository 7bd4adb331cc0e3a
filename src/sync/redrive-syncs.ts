// The scheduled safety net for syncs: tenants whose conversations are due for longer
// than a queue message takes (their message was lost), whose run died (lease expired),
// or whose hold is due for a re-check get a sync message; failures whose cause was
// transient are taken back.
import type { Bindings } from "../env.ts";
import { takeBackTransientFailures, tenantsWithStalePending } from "../conversations/sync-store.ts";
import { log } from "../log.ts";
import { enqueueAll } from "../queues.ts";
import { holdsDue } from "./holds.ts";
import { inEveryDb } from "../tenants/placement.ts";

/** A due conversation is normally claimed within the queue's batch window (5 s); after this it was forgotten. */
export const SYNC_STALE_AFTER_MS = 60_000;
/** Failures taken back per cron run. */
const TAKE_BACK_PER_RUN = 500;

export function redriveStaleSyncs(env: Bindings, now: Date, giveUpAfterMs = 72 * 3_600_000): Promise<number> {
  return inEveryDb(env, (db) => redriveIn(env, db, now, giveUpAfterMs));
}

async function redriveIn(env: Bindings, db: D1Database, now: Date, giveUpAfterMs: number): Promise<number> {
  const takenBack = await takeBackTransientFailures(db, now, giveUpAfterMs, TAKE_BACK_PER_RUN);
  const stale = await tenantsWithStalePending(db, now, SYNC_STALE_AFTER_MS);
  const due = await holdsDue(db, now);
  const tenants = [...new Set([...takenBack, ...stale, ...due])];
  if (tenants.length === 0) return 0;
  await enqueueAll(env.SYNC_QUEUE, tenants.map((tenantId) => ({ tenantId })));
  log.warn("sync.redriven", { tenants: tenants.length, takenBack: takenBack.length, stale: stale.length, holdsDue: due.length });
  return tenants.length;
}
