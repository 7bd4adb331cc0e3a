// What the admin API shows of a tenant's Salesforce API budget: the setting, what the
// connector spent today against its cap, the org's used share as last read, whether each
// tier runs or is paused (and why, until when), and the conversations paused.
import * as z from "zod";
import { budgetConfig } from "./config.ts";
import { dailyCap, judge, orgUsedPercent } from "./gate.ts";
import { PAUSE_AT_KEY } from "./tier.ts";
import type { BudgetTier } from "./tier.ts";
import { budgetOf, budgetUsage } from "./usage.ts";

const Tier = z.enum(["backfill", "follow_up", "on_close"]);
const Reason = z.enum(["connector_budget", "org_allowance"]);
const TierState = z.object({
  pauseAtPercent: z.number(),
  paused: z.boolean(),
  reason: Reason.optional(),
  until: z.iso.datetime().optional(),
});

export const BudgetView = z.object({
  setting: budgetConfig(),
  today: z.object({ day: z.string(), calls: z.number().int(), dailyCap: z.number().int().nullable(), remaining: z.number().int().nullable() }),
  org: z.object({ used: z.number().int(), limit: z.number().int(), usedPercent: z.number().nullable(), readAt: z.iso.datetime() }).nullable(),
  tiers: z.record(Tier, TierState),
  paused: z.array(z.object({ tier: Tier, reason: Reason, conversations: z.number().int(), resumesAt: z.iso.datetime() })),
});
export type BudgetView = z.infer<typeof BudgetView>;

const PausedRow = z.object({ tier: Tier, reason: Reason, n: z.number(), resumes: z.string() });

export async function budgetView(db: D1Database, tenantId: string, now: number): Promise<BudgetView> {
  const [budget, usage] = await Promise.all([budgetOf(db, tenantId), budgetUsage(db, tenantId, now)]);
  const cap = dailyCap(budget, usage.org);
  const used = orgUsedPercent(usage.org, now);
  const state = (tier: BudgetTier): z.infer<typeof TierState> => {
    const verdict = judge(budget, usage, tier, now);
    const pauseAtPercent = budget.pauseAt[PAUSE_AT_KEY[tier]];
    return verdict.ok ? { pauseAtPercent, paused: false } : { pauseAtPercent, paused: true, reason: verdict.reason, until: new Date(verdict.until).toISOString() };
  };
  const tiers = { backfill: state("backfill"), follow_up: state("follow_up"), on_close: state("on_close") };
  const { results } = await db
    .prepare(
      `SELECT json_extract(sync_error, '$.tier') AS tier, json_extract(sync_error, '$.reason') AS reason, COUNT(*) AS n, min(sync_due_at) AS resumes
       FROM conversations WHERE tenant_id = ?1 AND sync_status = 'pending' AND json_extract(sync_error, '$.code') = 'budget_paused'
       GROUP BY 1, 2 ORDER BY 1, 2`,
    )
    .bind(tenantId)
    .all();
  const paused = results.flatMap((r) => {
    const row = PausedRow.safeParse(r);
    return row.success ? [{ tier: row.data.tier, reason: row.data.reason, conversations: row.data.n, resumesAt: row.data.resumes }] : [];
  });
  return {
    setting: budget,
    today: { day: usage.day, calls: usage.calls, dailyCap: cap, remaining: cap === null ? null : Math.max(0, cap - usage.calls) },
    org: usage.org
      ? { used: usage.org.used, limit: usage.org.limit, usedPercent: used === null ? null : Math.round(used * 10) / 10, readAt: new Date(usage.org.readAt).toISOString() }
      : null,
    tiers,
    paused,
  };
}
