// The Salesforce API budget applied to a run: each claimed conversation by its tier
// (backfill, live follow-up, on close). What its tier may not spend now goes back to
// pending, due when the allowance allows, with no attempt spent; a tier paused on an old
// reading of the org's counter reads it again first (one /limits call).
import { judge, readingIsStale } from "../budget/gate.ts";
import type { BudgetVerdict } from "../budget/gate.ts";
import { tierOf } from "../budget/tier.ts";
import type { BudgetTier } from "../budget/tier.ts";
import { budgetOf, budgetUsage } from "../budget/usage.ts";
import type { OrgReading } from "../budget/usage.ts";
import type { Claimed } from "../conversations/sync-store.ts";
import { deferStatement } from "../conversations/sync-store.ts";
import type { Config } from "../env.ts";
import { errorFields, log } from "../log.ts";
import type { ApiUsage } from "../salesforce/api.ts";
import { salesforceApiFor } from "../salesforce/for-tenant.ts";
import { recordUsage } from "../salesforce/usage.ts";
import type { TenantConfig } from "../tenants/schema.ts";
import { clientClock } from "./clock.ts";
import type { SyncDeps } from "./clock.ts";

export interface BudgetRun {
  db: D1Database;
  config: Pick<Config, "ENCRYPTION_KEY">;
  tenantId: string;
  tenant: TenantConfig;
  deps: SyncDeps;
}

/** What a paused conversation's sync_error says: why, and which tier. */
export interface BudgetPause {
  code: "budget_paused";
  reason: Exclude<BudgetVerdict, { ok: true }>["reason"];
  tier: BudgetTier;
}

/** Each tier's verdict, from one read of the budget and the usage; and the org's reading they were judged on. */
async function verdicts(run: BudgetRun, tiers: readonly BudgetTier[]): Promise<{ byTier: Map<BudgetTier, BudgetVerdict>; org: OrgReading | null }> {
  const now = run.deps.now().getTime();
  const [budget, usage] = await Promise.all([budgetOf(run.db, run.tenantId), budgetUsage(run.db, run.tenantId, now)]);
  return { byTier: new Map(tiers.map((t) => [t, judge(budget, usage, t, now)] as const)), org: usage.org };
}

/** The claimed conversations whose tier may spend calls now; the others are deferred. */
export async function withinBudget(run: BudgetRun, claimed: readonly Claimed[]): Promise<Claimed[]> {
  const { db, tenantId } = run;
  const tiers = [...new Set(claimed.map(tierOf))];
  let { byTier, org } = await verdicts(run, tiers);
  const pausedByOrg = [...byTier.values()].some((v) => !v.ok && v.reason === "org_allowance");
  if (pausedByOrg && readingIsStale(org, run.deps.now().getTime())) {
    await probeAllowance(run);
    ({ byTier } = await verdicts(run, tiers));
  }
  const allowed: Claimed[] = [];
  const deferred: D1PreparedStatement[] = [];
  for (const c of claimed) {
    const tier = tierOf(c);
    const verdict = byTier.get(tier);
    if (!verdict || verdict.ok) {
      allowed.push(c);
      continue;
    }
    const pause: BudgetPause = { code: "budget_paused", reason: verdict.reason, tier };
    deferred.push(deferStatement(db, tenantId, c.conversation_id, pause, new Date(verdict.until)));
  }
  if (deferred.length > 0) {
    await db.batch(deferred);
    const paused = [...byTier].flatMap(([tier, v]) => (v.ok ? [] : [`${tier}:${v.reason}`]));
    log.info("sync.budget_paused", { tenantId, conversations: deferred.length, tiers: paused.join(",") });
  }
  return allowed;
}

/** Reads the org's counter again with the cheapest call there is (GET /limits), and records it. */
async function probeAllowance(run: BudgetRun): Promise<void> {
  const api = salesforceApiFor(run.db, run.config, run.tenantId, run.tenant, clientClock(run.deps));
  let usage: ApiUsage | undefined;
  try {
    const allowance = await api.dailyApiRequests();
    usage = { used: allowance.max - allowance.remaining, limit: allowance.max };
  } catch (err) {
    // The tier stays paused until the next probe; a real outage is found by the work that runs.
    log.warn("sync.budget_probe_failed", { tenantId: run.tenantId, ...errorFields(err) });
  } finally {
    await recordUsage(run.db, run.tenantId, api.calls, 0, usage ?? api.usage, run.deps.now()).run();
  }
}
