// The CRM sync queue's consumer: one message names a tenant with conversations to
// sync. Messages of a batch are grouped by tenant, so a burst costs one run per tenant.
// A run that holds the tenant asks to be woken when its re-check is due; one that
// leaves work for later asks to be woken when it falls due. Only a failure of the run
// itself (D1, a bug) retries the message with backoff.
import type { Bindings, Config } from "../env.ts";
import { SyncMessage } from "../queues.ts";
import { errorFields, log } from "../log.ts";
import { retryDelaySeconds } from "../queues.ts";
import { realDeps } from "./clock.ts";
import type { SyncDeps } from "./clock.ts";
import { syncTenant } from "./crm-sync.ts";
import type { RunResult } from "./crm-sync.ts";

/** Cloudflare Queues delay a message by at most 12 hours; the cron covers longer waits. */
const MAX_DELAY_SECONDS = 43_200;

/** When the tenant's next run should happen, in seconds from now; undefined when nothing waits. */
export function wakeUpIn(result: RunResult, now: Date): number | undefined {
  const seconds = (at: string) => Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((Date.parse(at) - now.getTime()) / 1000)));
  if (result.kind === "held") return result.fresh ? seconds(result.hold.recheckAt) : undefined;
  if (result.kind !== "done") return undefined;
  if (result.more) return 0;
  return result.nextDueAt ? seconds(result.nextDueAt) : undefined;
}

export async function consumeSyncBatch(batch: MessageBatch<unknown>, env: Bindings, config: Config, deps: SyncDeps = realDeps()): Promise<void> {
  const byTenant = new Map<string, Message<unknown>[]>();
  for (const message of batch.messages) {
    const body = SyncMessage.safeParse(message.body);
    if (!body.success) {
      log.error("sync.malformed_message", { messageId: message.id });
      message.ack();
      continue;
    }
    byTenant.set(body.data.tenantId, [...(byTenant.get(body.data.tenantId) ?? []), message]);
  }
  for (const [tenantId, messages] of byTenant) {
    const attempts = Math.max(...messages.map((m) => m.attempts));
    try {
      const result = await syncTenant(env.DB, config, tenantId, deps);
      const delay = wakeUpIn(result, deps.now());
      if (delay !== undefined) await env.SYNC_QUEUE.send({ tenantId }, delay > 0 ? { delaySeconds: delay } : {});
      for (const m of messages) m.ack();
    } catch (err) {
      log.error("sync.run_failed", { tenantId, ...errorFields(err) });
      for (const m of messages) m.retry({ delaySeconds: retryDelaySeconds(attempts) });
    }
  }
}

/**
 * The sync dead-letter queue: a message whose runs kept crashing. The conversations stay
 * pending (never failed for a fault of the run); the cron re-drives them.
 */
export async function consumeSyncDeadLetters(batch: MessageBatch<unknown>): Promise<void> {
  for (const message of batch.messages) {
    const body = SyncMessage.safeParse(message.body);
    log.error("sync.dead", body.success ? { tenantId: body.data.tenantId } : { messageId: message.id });
  }
  batch.ackAll();
}
