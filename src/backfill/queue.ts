// The backfill queue: one message per step of a backfill. The consumer runs the step and
// sends the next message, delayed until the step is due; the cron sends one again for a
// backfill whose step is overdue (a lost message, a crash, a redeploy), which then continues
// from its last saved place.
import * as z from "zod";
import type { Bindings, Config } from "../env.ts";
import { errorFields, log } from "../log.ts";
import { retryDelaySeconds } from "../queues.ts";
import { realDeps } from "../sync/clock.ts";
import type { SyncDeps } from "../sync/clock.ts";
import { runStep } from "./step.ts";
import { overdueBackfills } from "./store.ts";
import { inEveryDb } from "../tenants/placement.ts";
import type { PlacementEnv } from "../tenants/placement.ts";

export const BACKFILL_QUEUE = "backfill-work";
export const BACKFILL_DEAD_LETTER_QUEUE = "backfill-work-dlq";

export const BackfillMessage = z.object({ tenantId: z.string().min(1), backfillId: z.string().min(1) });
export type BackfillMessage = z.infer<typeof BackfillMessage>;

/** Queues delay a message by at most 12 hours; the cron covers longer waits. */
const MAX_DELAY_SECONDS = 43_200;
/** A step overdue by this much lost its message. */
export const BACKFILL_LATE_MS = 5 * 60_000;

type BackfillEnv = PlacementEnv & Pick<Bindings, "SYNC_QUEUE" | "BACKFILL_QUEUE">;

export async function consumeBackfillBatch(batch: MessageBatch<unknown>, env: BackfillEnv, config: Config, deps: SyncDeps = realDeps()): Promise<void> {
  for (const message of batch.messages) {
    const body = BackfillMessage.safeParse(message.body);
    if (!body.success) {
      log.error("backfill.malformed_message", { messageId: message.id });
      message.ack();
      continue;
    }
    try {
      const result = await runStep(env, config, body.data.tenantId, body.data.backfillId, deps);
      if (result.kind === "next") {
        const seconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((result.at.getTime() - deps.now().getTime()) / 1000)));
        await env.BACKFILL_QUEUE.send(body.data, seconds > 0 ? { delaySeconds: seconds } : {});
      }
      message.ack();
    } catch (err) {
      // D1 or a bug: the step saved nothing past its last page; its claim runs out and it is tried again.
      log.error("backfill.step_failed", { tenantId: body.data.tenantId, backfillId: body.data.backfillId, ...errorFields(err) });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}

/** Messages that kept failing: the backfill stays where it is; the cron sends it again. */
export async function consumeBackfillDeadLetters(batch: MessageBatch<unknown>): Promise<void> {
  for (const message of batch.messages) {
    const body = BackfillMessage.safeParse(message.body);
    log.error("backfill.dead", body.success ? { tenantId: body.data.tenantId, backfillId: body.data.backfillId } : { messageId: message.id });
  }
  batch.ackAll();
}

/** The cron: every active backfill whose step is overdue gets a message. */
export function redriveBackfills(env: PlacementEnv & Pick<Bindings, "BACKFILL_QUEUE">, now: Date): Promise<number> {
  return inEveryDb(env, (db) => redriveIn(env, db, now));
}

async function redriveIn(env: Pick<Bindings, "BACKFILL_QUEUE">, db: D1Database, now: Date): Promise<number> {
  const overdue = await overdueBackfills(db, now, BACKFILL_LATE_MS);
  if (overdue.length === 0) return 0;
  await env.BACKFILL_QUEUE.sendBatch(overdue.map((b) => ({ body: { tenantId: b.tenant_id, backfillId: b.id } })));
  log.warn("backfill.redriven", { backfills: overdue.length });
  return overdue.length;
}
