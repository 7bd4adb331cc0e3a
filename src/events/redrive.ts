// The scheduled safety net: events kept in D1 whose queue message never led to
// processing (a failed send, a lost message) are queued again.
import type { Bindings } from "../env.ts";
import { log } from "../log.ts";
import { enqueueAll } from "../queues.ts";
import { staleReceived, touch } from "./store.ts";
import { inEveryDb } from "../tenants/placement.ts";

/** Long enough for the queue's own retries to be under way, short enough that nothing waits for hours. */
export const STALE_AFTER_MS = 15 * 60 * 1000;
const PER_RUN = 1000;

export function redriveStale(env: Bindings, now: Date): Promise<number> {
  return inEveryDb(env, (db) => redriveIn(env, db, now));
}

async function redriveIn(env: Bindings, db: D1Database, now: Date): Promise<number> {
  const stale = await staleReceived(db, new Date(now.getTime() - STALE_AFTER_MS), PER_RUN);
  if (stale.length === 0) return 0;
  await enqueueAll(
    env.CONVERSATION_QUEUE,
    stale.map((e) => ({ kind: "stored" as const, ...e })),
  );
  await touch(db, stale.map((e) => e.eventId), now);
  log.warn("events.redriven", { count: stale.length });
  return stale.length;
}
