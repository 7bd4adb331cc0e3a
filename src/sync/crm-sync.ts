// One sync run for one tenant: unless the tenant is held, claims its due conversations,
// keeps those whose API budget tier is paused waiting, reads the others from iAdvize, reads Salesforce once, plans, writes in at most two calls,
// and settles each conversation's outcome. A failure of a service holds the tenant
// (its work waits, nothing spent); a contract surprise holds it until fixed.
import type { Claimed } from "../conversations/sync-store.ts";
import { claimPending, nextDue, renewLeaseStatement } from "../conversations/sync-store.ts";
import type { Config } from "../env.ts";
import { errorFields, log } from "../log.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import type { SalesforceApi } from "../salesforce/api.ts";
import { salesforceApiFor } from "../salesforce/for-tenant.ts";
import { recordUsage } from "../salesforce/usage.ts";
import { writePlan } from "../salesforce/write.ts";
import type { TenantConfig } from "../tenants/schema.ts";
import { getTenantConfig } from "../tenants/store.ts";
import { FollowRun } from "../follow/poll.ts";
import { stopReadsStatement } from "../follow/store.ts";
import { clientClock, realDeps } from "./clock.ts";
import type { SyncDeps } from "./clock.ts";
import { claimProbe, holdTenant, releaseTenantHold, tenantHoldOf } from "./holds.ts";
import type { TenantHold } from "./holds.ts";
import type { SyncItem } from "./item.ts";
import { holdCauseOf } from "./outage.ts";
import type { HoldCause } from "./outage.ts";
import { readFromIadvize } from "./read-iadvize.ts";
import { planFromRead, readFromSalesforce } from "./read-salesforce.ts";
import { Settlement } from "./settle.ts";
import { withinBudget } from "./budget.ts";
import { RunStages } from "./stages.ts";

/** Conversations per run: one Salesforce collection (200 records), each costing one iAdvize read. */
export const SYNC_BATCH = 200;
/** A claim lasts this long unless the run renews it: a crashed run's work is taken back within a minute. */
export const LEASE_MS = 60_000;
/** A probe of a held tenant has this long before another run may probe. */
const PROBE_LEASE_MS = 60_000;
/** The allowance must have at least this many calls left before syncs resume after REQUEST_LIMIT_EXCEEDED. */
const ALLOWANCE_MARGIN = 10;

export type RunResult =
  | { kind: "done"; synced: number; failed: number; unchanged: number; retrying: number; more: boolean; calls: number; nextDueAt: string | null }
  /** `fresh`: this run held the tenant (a probe failed, or a service just did): it asks to be woken at `recheckAt`. */
  | { kind: "held"; hold: TenantHold; fresh: boolean }
  | { kind: "not_configured" };

interface Run {
  db: D1Database;
  config: Config;
  tenantId: string;
  tenant: TenantConfig;
  deps: SyncDeps;
  stages: RunStages;
}

export async function syncTenant(db: D1Database, config: Config, tenantId: string, deps: SyncDeps = realDeps()): Promise<RunResult> {
  const stages = new RunStages(deps.now);
  const tenant = await getTenantConfig(db, config.ENCRYPTION_KEY, tenantId);
  if (!tenant?.salesforce || !tenant.iadvize) return { kind: "not_configured" };
  const run: Run = { db, config, tenantId, tenant, deps, stages };
  const hold = await tenantHoldOf(db, tenantId);
  if (hold) {
    const gate = await passHold(run, hold);
    if (gate) return gate;
  }
  // A probe syncs one conversation; once it went through, the next run takes a full batch.
  const limit = hold ? 1 : SYNC_BATCH;
  const claimed = await claimPending(db, tenantId, limit, LEASE_MS, deps.now());
  stages.mark("claim");
  if (claimed.length === 0) {
    if (hold) return { kind: "held", hold, fresh: false };
    return { kind: "done", synced: 0, failed: 0, unchanged: 0, retrying: 0, more: false, calls: 0, nextDueAt: await nextDueIso(db, tenantId) };
  }
  // Each conversation by its budget tier: what may not spend calls now waits, nothing spent.
  const allowed = await withinBudget(run, claimed);
  stages.mark("budget");
  if (hold && allowed.length === 0) return { kind: "held", hold, fresh: false };
  const result = await syncClaimed(run, allowed);
  if (result.kind !== "done") return result;
  if (hold) {
    await releaseTenantHold(db, tenantId, hold.reason);
    log.info("sync.hold_released", { tenantId, reason: hold.reason });
  }
  const due = result.nextDueAt !== null && Date.parse(result.nextDueAt) <= deps.now().getTime();
  return { ...result, more: claimed.length === limit || due };
}

/** A held tenant: nothing before its re-check; then one run probes (Salesforce holds with a cheap /limits call first). */
async function passHold(run: Run, hold: TenantHold): Promise<RunResult | undefined> {
  const { db, tenantId, deps } = run;
  const now = deps.now();
  if (Date.parse(hold.recheckAt) > now.getTime() || !(await claimProbe(db, tenantId, now, PROBE_LEASE_MS))) return { kind: "held", hold, fresh: false };
  if (hold.reason !== "salesforce_unavailable" && hold.reason !== "salesforce_request_limit") return undefined;
  const api = salesforceApiFor(db, run.config, tenantId, run.tenant, clientClock(deps));
  try {
    const allowance = await api.dailyApiRequests();
    if (allowance.remaining < ALLOWANCE_MARGIN) return await held(run, { reason: "salesforce_request_limit", paths: [] });
    return undefined;
  } catch (err) {
    const cause = holdCauseOf(err);
    if (cause) return await held(run, cause);
    // Not an outage (e.g. credentials refused): the run goes on and records that on the conversations.
    log.warn("sync.probe_failed", { tenantId, ...errorFields(err) });
    return undefined;
  } finally {
    await recordUsage(db, tenantId, api.calls, 0, api.usage, deps.now()).run();
  }
}

async function held(run: Run, cause: HoldCause): Promise<RunResult> {
  const hold = await holdTenant(run.db, run.tenantId, { reason: cause.reason, paths: cause.paths }, run.deps.now());
  log.warn("sync.held", { tenantId: run.tenantId, reason: hold.reason, paths: hold.paths.join(","), recheckAt: hold.recheckAt });
  return { kind: "held", hold, fresh: true };
}

/** What a waiting conversation's sync_error says: the hold's reason, and what is missing, if that is why. */
function waitingFor(cause: HoldCause): { code: string; paths?: string[] } {
  return cause.paths.length > 0 ? { code: cause.reason, paths: [...cause.paths] } : { code: cause.reason };
}

async function nextDueIso(db: D1Database, tenantId: string): Promise<string | null> {
  return (await nextDue(db, tenantId))?.toISOString() ?? null;
}

async function syncClaimed(run: Run, claimed: readonly Claimed[]): Promise<RunResult> {
  const { db, config, tenantId, tenant, deps, stages } = run;
  const giveUpAfterMs = config.SYNC_GIVE_UP_HOURS * 3_600_000;
  const settle = new Settlement(db, tenantId, deps.now, giveUpAfterMs);
  let renewedAt = deps.now().getTime();
  const keepAlive = async () => {
    const t = deps.now().getTime();
    if (t - renewedAt < LEASE_MS / 3) return;
    renewedAt = t;
    await renewLeaseStatement(db, tenantId, claimed.map((c) => c.conversation_id), new Date(t + LEASE_MS)).run();
  };

  const follow = await FollowRun.load(db, config.ENCRYPTION_KEY, tenantId, tenant, claimed, deps.now);
  const fromIadvize = await readFromIadvize({ db, config, tenantId, tenant, deps, settle, keepAlive, follow }, claimed);
  stages.mark("iadvize");
  let cause: HoldCause | undefined;
  let calls = 0;
  if (fromIadvize.items.length > 0) {
    const api = salesforceApiFor(db, config, tenantId, tenant, clientClock(deps));
    try {
      await keepAlive();
      await writeToSalesforce(run, api, fromIadvize.items, claimed, fromIadvize.hashes, settle, keepAlive);
    } catch (err) {
      log.warn("sync.salesforce_failed", { tenantId, ...errorFields(err) });
      cause = holdCauseOf(err);
      for (const item of fromIadvize.items) {
        const claim = claimed.find((c) => c.conversation_id === item.conversationId) as Claimed;
        if (cause) settle.wait(item.conversationId, waitingFor(cause));
        else if (err instanceof UpstreamError && !err.retryable) settle.failed(item.conversationId, { code: `salesforce_${err.code}` });
        else settle.retry(claim, { code: err instanceof UpstreamError ? `salesforce_${err.code}` : "salesforce_error" });
      }
    }
    calls = api.calls;
    settle.statements.push(recordUsage(db, tenantId, calls, settle.counts.synced, api.usage, deps.now()));
  }
  // Salesforce's failure holds the tenant first: what iAdvize did not answer waits for the next probe either way.
  cause ??= fromIadvize.stop;
  for (const c of fromIadvize.unread) settle.wait(c.conversation_id, fromIadvize.stop ? waitingFor(fromIadvize.stop) : { code: "not_read" });
  // The follow-up's next reads, after the outcomes they depend on.
  settle.statements.push(...follow.after);
  if (settle.statements.length > 0) await db.batch(settle.statements);
  stages.mark("settle");
  const { synced, failed, unchanged, retrying, waiting } = settle.counts;
  log.info("sync.run", { tenantId, claimed: claimed.length, synced, failed, unchanged, retrying, waiting, calls, readEarly: fromIadvize.early, ...stages.fields() });
  if (cause) return held(run, cause);
  return { kind: "done", synced, failed, unchanged, retrying, more: false, calls, nextDueAt: await nextDueIso(db, tenantId) };
}

async function writeToSalesforce(
  run: Run,
  api: SalesforceApi,
  items: readonly SyncItem[],
  claimed: readonly Claimed[],
  hashes: ReadonlyMap<string, string>,
  settle: Settlement,
  keepAlive: () => Promise<void>,
): Promise<void> {
  const settings = run.tenant.salesforce;
  if (!settings) return;
  const sf = await readFromSalesforce(api, run.db, run.tenantId, run.tenant, items, run.deps.now());
  run.stages.mark("salesforceRead");
  await keepAlive();
  const plan = planFromRead(items, sf, settings);
  // Not planned: a record Salesforce has already, to which this conversation adds nothing; or an
  // open one never pushed whose record it does not have, waiting again for its close (conversations/late.ts).
  const planned = new Set(plan.conversations.map((c) => c.conversationId));
  for (const item of items) {
    if (planned.has(item.conversationId)) continue;
    if (item.lateOpen && !sf.read.existing.has(item.conversationId)) settle.statements.push(stopReadsStatement(run.db, run.tenantId, item.conversationId));
    else settle.unchanged(item.conversationId);
  }
  const outcomes = await writePlan(api, plan, settings.assignmentRuleId ?? true);
  run.stages.mark("salesforceWrite");
  const warnings = sf.mapping.problems.map((p) => ({ code: `mapping_${p.problem}`, tag: p.tag, field: p.field }));
  settle.outcomes(items.filter((i) => planned.has(i.conversationId)), new Map(claimed.map((c) => [c.conversation_id, c])), outcomes, hashes, warnings);
}
