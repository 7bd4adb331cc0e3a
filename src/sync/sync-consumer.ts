// The CRM sync queue's consumer: one message names a tenant with conversations to
// sync. Messages of a batch are grouped by tenant, so a burst costs one run per tenant.
// A run that holds the tenant asks to be woken when its re-check is due; one that
// leaves work for later asks to be woken when it falls due. Only a failure of the run
// itself (D1, a bug) retries the message with backoff.
// One invocation runs at most TENANTS_PER_INVOCATION tenants (a few at a time), so its
// subrequests stay within the Workers limit; the other tenants are sent again at once.
// A message sent during a burst (`busy`) waits for a full collection or the burst's end,
// and meanwhile reads early what is due (prefetch.ts), so the run that follows is short;
// it waits inside its invocation (looking every 250 ms), so its run is not queued behind another batch.
import type { Bindings, Config } from "../env.ts";
import { SyncMessage } from "../queues.ts";
import { errorFields, log } from "../log.ts";
import { enqueueAll, retryDelaySeconds } from "../queues.ts";
import { dueBacklog } from "../conversations/sync-store.ts";
import { realDeps } from "./clock.ts";
import type { SyncDeps } from "./clock.ts";
import { SYNC_BATCH, syncTenant } from "./crm-sync.ts";
import type { RunResult } from "./crm-sync.ts";
import { prefetchDue } from "./prefetch.ts";
import { getTenantConfig } from "../tenants/store.ts";
import { tenantDb } from "../tenants/placement.ts";

/** Cloudflare Queues delay a message by at most 12 hours; the cron covers longer waits. */
const MAX_DELAY_SECONDS = 43_200;
/** Workers Paid: 10,000 subrequests per invocation (fetches to iAdvize and Salesforce). */
export const SUBREQUESTS_PER_INVOCATION = 10_000;
/**
 * What one tenant's run may fetch at most, with room to spare: one iAdvize read per
 * conversation, and for the rest (iAdvize and Salesforce logins, describes, the read
 * composites and their further pages, the two writes, duplicate look-ups) 50.
 */
export const RUN_SUBREQUESTS_MAX = SYNC_BATCH + 50;
/** What one tenant may fetch in an invocation: the reads made early while it waits (a collection at most), then its run. */
export const TENANT_SUBREQUESTS_MAX = SYNC_BATCH + RUN_SUBREQUESTS_MAX;
/** Tenants one invocation runs: their reads and runs together stay within the subrequest limit. */
export const TENANTS_PER_INVOCATION = Math.floor(SUBREQUESTS_PER_INVOCATION / TENANT_SUBREQUESTS_MAX);
/** Runs under way at once in an invocation: a tenant's wait for iAdvize overlaps another's. */
const CONCURRENT_RUNS = 4;
/**
 * During a burst, a tenant's oldest due conversation waits at most this long for a full
 * collection: a run then holds 125 conversations (0.016 calls each) as long as the burst
 * brings the tenant at least 31 a second.
 */
export const BURST_WAIT_MS = 4_000;
/**
 * A fast burst does not wait for the whole collection: once its oldest due conversation
 * waited EARLY_RUN_MS, a run of EARLY_RUN_MIN or more goes (2 calls for 125 conversations,
 * 0.016 per conversation, which leaves room for the burst's last, partial run).
 */
export const EARLY_RUN_MS = 1_500;
export const EARLY_RUN_MIN = 125;
/** Reads made early between two looks at the backlog: a run due meanwhile waits for at most this many. */
const PREFETCH_STEP = 50;
/** A waiting burst's sync looks at its backlog this often inside its invocation (one small COUNT each). */
export const WAIT_LOOK_MS = 250;
/** Looks inside one invocation: BURST_WAIT_MS of wall time at most, then the message is sent again. */
export const WAIT_LOOKS = BURST_WAIT_MS / WAIT_LOOK_MS;

/** Whether a burst's backlog is worth a run now: a full collection, a large one waiting, or any waiting too long. */
export function burstRunsNow(count: number, waitedMs: number): boolean {
  return count >= SYNC_BATCH || (count >= EARLY_RUN_MIN && waitedMs >= EARLY_RUN_MS) || waitedMs >= BURST_WAIT_MS;
}

/** When the tenant's next run should happen, in seconds from now; undefined when nothing waits. */
export function wakeUpIn(result: RunResult, now: Date): number | undefined {
  const seconds = (at: string) => Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((Date.parse(at) - now.getTime()) / 1000)));
  if (result.kind === "held") return result.fresh ? seconds(result.hold.recheckAt) : undefined;
  if (result.kind !== "done") return undefined;
  if (result.more) return 0;
  return result.nextDueAt ? seconds(result.nextDueAt) : undefined;
}

export async function consumeSyncBatch(batch: MessageBatch<unknown>, env: Bindings, config: Config, deps: SyncDeps = realDeps()): Promise<void> {
  const byTenant = new Map<string, { messages: Message<unknown>[]; busy: boolean }>();
  for (const message of batch.messages) {
    const body = SyncMessage.safeParse(message.body);
    if (!body.success) {
      log.error("sync.malformed_message", { messageId: message.id });
      message.ack();
      continue;
    }
    const seen = byTenant.get(body.data.tenantId);
    const busy = body.data.busy === true && (seen?.busy ?? true);
    byTenant.set(body.data.tenantId, { messages: [...(seen?.messages ?? []), message], busy });
  }
  const tenants = [...byTenant];
  const now = tenants.slice(0, TENANTS_PER_INVOCATION);
  const later = tenants.slice(TENANTS_PER_INVOCATION);
  if (later.length > 0) {
    try {
      await enqueueAll(env.SYNC_QUEUE, later.map(([tenantId]) => ({ tenantId })));
      for (const [, { messages }] of later) for (const m of messages) m.ack();
      log.info("sync.tenants_deferred", { tenants: later.length });
    } catch (err) {
      log.warn("sync.defer_failed", { tenants: later.length, ...errorFields(err) });
      for (const [, { messages }] of later) for (const m of messages) m.retry({ delaySeconds: 1 });
    }
  }
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < now.length; i = next++) {
      const entry = now[i];
      if (entry) await runTenant(entry[0], entry[1].messages, entry[1].busy, env, config, deps);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_RUNS, now.length) }, worker));
}

async function runTenant(tenantId: string, messages: Message<unknown>[], busy: boolean, env: Bindings, config: Config, deps: SyncDeps): Promise<void> {
  const attempts = Math.max(...messages.map((m) => m.attempts));
  try {
    if (busy && (await waitsForBurst(env, config, tenantId, deps))) {
      for (const m of messages) m.ack();
      return;
    }
    const result = await syncTenant(tenantDb(env, tenantId), config, tenantId, deps);
    const delay = wakeUpIn(result, deps.now());
    if (delay !== undefined) await env.SYNC_QUEUE.send({ tenantId }, delay > 0 ? { delaySeconds: delay } : {});
    for (const m of messages) m.ack();
  } catch (err) {
    log.error("sync.run_failed", { tenantId, ...errorFields(err) });
    for (const m of messages) m.retry({ delaySeconds: retryDelaySeconds(attempts) });
  }
}

/**
 * During a burst a run waits unless burstRunsNow: true when it waits (asked again in a
 * second, or not at all when nothing is due). While it waits, what is due is read from
 * iAdvize, PREFETCH_STEP at a time, looking at the backlog between steps; then it keeps
 * waiting inside the invocation, looking every WAIT_LOOK_MS (one COUNT) and reading early
 * what fell due meanwhile: once the backlog is worth a run, the run goes at once, in this
 * invocation (a message sent again could sit behind another batch). The burst's last,
 * partial batch sends a message that runs at once.
 */
async function waitsForBurst(env: Bindings, config: Config, tenantId: string, deps: SyncDeps): Promise<boolean> {
  const db = tenantDb(env, tenantId);
  // The backlog at the last look, and when reading early last ended: a look that finds it no larger has nothing new to read.
  let due = 0;
  let dueWhenRead = -1;
  const ready = async () => {
    const now = deps.now();
    const { count, oldest } = await dueBacklog(db, tenantId, now);
    due = count;
    if (count === 0) return "nothing";
    return oldest === null || burstRunsNow(count, now.getTime() - Date.parse(oldest)) ? "run" : "wait";
  };
  let state = await ready();
  if (state !== "wait") return state === "nothing";
  const tenant = await getTenantConfig(db, config.ENCRYPTION_KEY, tenantId);
  // At most a collection read early per invocation: TENANT_SUBREQUESTS_MAX counts it.
  let read = 0;
  // A read that failed is not tried again in this invocation: the run meets the failure itself.
  let failed = false;
  const readEarly = async () => {
    while (tenant?.iadvize && !failed && state === "wait" && read < SYNC_BATCH) {
      const step = await prefetchDue({ db, config, tenantId, tenant, deps }, Math.min(PREFETCH_STEP, SYNC_BATCH - read));
      failed = step.failed;
      if (step.read === 0) break;
      read += step.read;
      state = await ready();
    }
    dueWhenRead = due;
  };
  await readEarly();
  for (let look = 0; deps.wait && state === "wait" && look < WAIT_LOOKS; look++) {
    await deps.wait(WAIT_LOOK_MS);
    state = await ready();
    if (due > dueWhenRead) await readEarly();
  }
  if (state === "run") return false;
  if (state === "nothing") return true;
  await env.SYNC_QUEUE.send({ tenantId, busy: true }, { delaySeconds: 1 });
  return true;
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
