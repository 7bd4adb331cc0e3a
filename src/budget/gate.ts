// Whether a tier of work may spend Salesforce calls now, judged from the tenant's budget
// and what was spent: the connector's own daily cap (until the UTC day ends), then the
// org's used share against the tier's threshold (until a newer reading may say otherwise).
import type { BudgetConfig } from "./config.ts";
import type { BudgetTier } from "./tier.ts";
import { PAUSE_AT_KEY } from "./tier.ts";
import { budgetOf, budgetUsage } from "./usage.ts";
import type { BudgetUsage, OrgReading } from "./usage.ts";

export type BudgetVerdict = { ok: true } | { ok: false; reason: "connector_budget" | "org_allowance"; until: number };

/**
 * How often a paused tier looks at the org's counter again. Salesforce counts the
 * allowance over the last 24 hours, so the used share falls by itself as hours pass.
 */
export const PROBE_MS = 15 * 60_000;
/** A reading this old tells nothing about the org's last 24 hours. */
const READING_EXPIRES_MS = 24 * 3_600_000;

export async function budgetAllows(db: D1Database, tenantId: string, tier: BudgetTier, now: number): Promise<BudgetVerdict> {
  const [budget, usage] = await Promise.all([budgetOf(db, tenantId), budgetUsage(db, tenantId, now)]);
  return judge(budget, usage, tier, now);
}

/** The connector's daily cap in calls, if it has one (a share of an allowance never read is no cap yet). */
export function dailyCap(budget: BudgetConfig, org: OrgReading | null): number | null {
  if (!budget.daily) return null;
  if ("calls" in budget.daily) return budget.daily.calls;
  return org ? Math.floor((org.limit * budget.daily.percentOfOrg) / 100) : null;
}

/** The org's used share of its allowance (%), when a recent reading says it. */
export function orgUsedPercent(org: OrgReading | null, now: number): number | null {
  if (!org || org.limit <= 0 || now - org.readAt > READING_EXPIRES_MS) return null;
  return (org.used / org.limit) * 100;
}

/** True when the reading is old enough for a paused tier to read the counter again. */
export function readingIsStale(org: OrgReading | null, now: number): boolean {
  return org !== null && org.readAt + PROBE_MS <= now;
}

export function judge(budget: BudgetConfig, usage: BudgetUsage, tier: BudgetTier, now: number): BudgetVerdict {
  const cap = dailyCap(budget, usage.org);
  if (cap !== null && usage.calls >= cap) return { ok: false, reason: "connector_budget", until: nextUtcDay(now) };
  const used = orgUsedPercent(usage.org, now);
  if (used !== null && usage.org && used >= budget.pauseAt[PAUSE_AT_KEY[tier]]) {
    const next = usage.org.readAt + PROBE_MS;
    return { ok: false, reason: "org_allowance", until: next > now ? next : now + PROBE_MS };
  }
  return { ok: true };
}

function nextUtcDay(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}
