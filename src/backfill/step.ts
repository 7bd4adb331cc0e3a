// One bounded step of a backfill, run from its queue: the pages gathered (pages.ts), their
// new conversations inserted closed and pending with origin 'backfill' in the same D1
// batch as the new place in the range, then the sync told. The next step waits until the
// sync has tried them, so each step is one sync batch and live conversations never queue
// behind a whole history. A dry run prices them instead (dry-run.ts). A service down or a
// contract surprise holds the backfill at its place; nothing read is lost.
import type { Bindings, Config } from "../env.ts";
import { iadvizeClientFor } from "../iadvize/for-tenant.ts";
import { backoffMs } from "../lib/backoff.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import { errorFields, log } from "../log.ts";
import { clientClock } from "../sync/clock.ts";
import type { SyncDeps } from "../sync/clock.ts";
import { holdCauseOf } from "../sync/outage.ts";
import { getTenantConfig } from "../tenants/store.ts";
import type { BackfillRow } from "./store.ts";
import { advanceStatement, claimStep, holdBackfill, insertConversationStatement, postpone, untried } from "./store.ts";
import { dryStep } from "./dry-run.ts";
import { gather } from "./pages.ts";
import type { Step } from "./pages.ts";
import { tenantDb } from "../tenants/placement.ts";
import type { PlacementEnv } from "../tenants/placement.ts";

/** A step's claim: a crashed step is taken back by the cron after this. */
export const STEP_LEASE_MS = 120_000;
/** How soon to look whether the sync has tried the page handed to it, then how often while it has not. */
export const FEED_CHECK_MS = 6_000;
const WAIT_SHORT_MS = 3_000;
const WAIT_LONG_MS = 120_000;
/** After this long without progress (the sync paused: a budget, a hold), look less often. */
const WAIT_LONG_AFTER_MS = 120_000;
const HOLD_BACKOFF = { baseMs: 60_000, capMs: 6 * 3_600_000 };

export type StepResult = { kind: "idle" } | { kind: "done" } | { kind: "next"; at: Date };

export async function runStep(env: PlacementEnv & Pick<Bindings, "SYNC_QUEUE">, config: Config, tenantId: string, id: string, deps: SyncDeps): Promise<StepResult> {
  const now = deps.now();
  const db = tenantDb(env, tenantId);
  const row = await claimStep(db, id, now, STEP_LEASE_MS);
  if (!row) return { kind: "idle" };
  const tenant = await getTenantConfig(db, config.ENCRYPTION_KEY, row.tenant_id);
  if (!tenant?.iadvize || !tenant.salesforce) return hold(db, row, { reason: "tenant_not_configured", paths: [] }, now);
  const client = iadvizeClientFor(db, config, row.tenant_id, tenant, clientClock(deps));
  const step: Step = { env, db, row, tenant, client, deps };
  try {
    return await (row.dry_run === 1 ? dryStep(step) : realStep(step));
  } catch (err) {
    const cause = holdCauseOf(err) ?? (err instanceof UpstreamError ? { reason: `iadvize_${err.code}`, paths: [] } : undefined);
    if (!cause) throw err;
    log.warn("backfill.held", { tenantId: row.tenant_id, backfillId: row.id, reason: cause.reason, paths: cause.paths.join(","), ...errorFields(err) });
    return hold(db, row, cause, deps.now());
  }
}

async function hold(db: D1Database, row: BackfillRow, cause: { reason: string; paths: readonly string[] }, now: Date): Promise<StepResult> {
  const at = new Date(now.getTime() + backoffMs(row.hold_step + 1, HOLD_BACKOFF));
  await holdBackfill(db, row.id, cause, at, now);
  return { kind: "next", at };
}

async function realStep(s: Step): Promise<StepResult> {
  const { env, db, row, deps } = s;
  const now = deps.now();
  if ((await untried(db, row.id)) > 0) {
    const idleFor = now.getTime() - Date.parse(row.updated_at);
    const at = new Date(now.getTime() + (idleFor > WAIT_LONG_AFTER_MS ? WAIT_LONG_MS : WAIT_SHORT_MS));
    await postpone(db, row.id, at);
    return { kind: "next", at };
  }
  const g = await gather(s);
  const at = deps.now();
  const rangeTo = new Date(row.range_to);
  // Done once the range is read and the sync has tried all it was handed (checked above).
  const done = g.next === null && g.fresh.length === 0;
  const nextAt = new Date(at.getTime() + (g.fresh.length > 0 ? FEED_CHECK_MS : 0));
  await db.batch([
    ...g.fresh.map((c) => insertConversationStatement(db, row.tenant_id, row.id, c, at)),
    advanceStatement(db, row.id, { windowFrom: g.next?.windowFrom ?? rangeTo, pageAfter: g.next?.after ?? null, read: g.read, done, nextAt, release: true }, at),
  ]);
  log.info("backfill.step", { tenantId: row.tenant_id, backfillId: row.id, read: g.read, fresh: g.fresh.length, done });
  if (g.fresh.length > 0) {
    try {
      await env.SYNC_QUEUE.send({ tenantId: row.tenant_id });
    } catch (err) {
      // The conversations are pending in D1: the cron's sync re-drive finds them.
      log.warn("backfill.sync_enqueue_failed", { tenantId: row.tenant_id, ...errorFields(err) });
    }
  }
  return done ? { kind: "done" } : { kind: "next", at: nextAt };
}
