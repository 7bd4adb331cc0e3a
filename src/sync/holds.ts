// Tenant holds: while a tenant is held its syncs wait, and its conversations stay
// pending (never failed, no attempt spent). A contract surprise holds it until fixed
// or re-checked; an outage of iAdvize or Salesforce pauses it until `until`, growing
// with each failed probe. Shared with the preflight checks, which release contract holds.
import * as z from "zod";
import type { ContractProblem } from "../lib/contract-error.ts";
import { backoffMs } from "../lib/backoff.ts";
import type { Backoff } from "../lib/backoff.ts";

export type OutageReason = "iadvize_unavailable" | "salesforce_unavailable" | "salesforce_request_limit";
export type HoldReason = ContractProblem | OutageReason;

export const CONTRACT_REASONS: readonly HoldReason[] = ["iadvize_schema_mismatch", "salesforce_package_missing"];

/** How long each kind of hold lasts before a probe: outages briefly (growing), contracts an hour. */
export const HOLD_BACKOFF: Record<HoldReason, Backoff> = {
  iadvize_unavailable: { baseMs: 10_000, capMs: 40_000 },
  salesforce_unavailable: { baseMs: 10_000, capMs: 40_000 },
  salesforce_request_limit: { baseMs: 300_000, capMs: 1_800_000 },
  iadvize_schema_mismatch: { baseMs: 3_600_000, capMs: 3_600_000 },
  salesforce_package_missing: { baseMs: 3_600_000, capMs: 3_600_000 },
};

export interface TenantHold {
  reason: HoldReason;
  paths: string[];
  since: string;
  /** When an outage pause ends; null for a contract hold (until fixed or re-checked). */
  until: string | null;
  /** When the next probe may run. */
  recheckAt: string;
  step: number;
}

const HoldRow = z.object({
  reason: z.enum(["iadvize_schema_mismatch", "salesforce_package_missing", "iadvize_unavailable", "salesforce_unavailable", "salesforce_request_limit"]),
  paths: z.string().transform((s, ctx) => {
    const parsed = z.array(z.string()).safeParse(JSON.parse(s));
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: "custom", message: "paths is not a JSON array of names" });
    return z.NEVER;
  }),
  since: z.string(),
  until: z.string().nullable(),
  recheck_at: z.string(),
  step: z.number().int(),
});

export async function tenantHoldOf(db: D1Database, tenantId: string): Promise<TenantHold | null> {
  const row = await db.prepare(`SELECT reason, paths, since, until, recheck_at, step FROM tenant_holds WHERE tenant_id = ?1`).bind(tenantId).first();
  if (!row) return null;
  const r = HoldRow.parse(row);
  return { reason: r.reason, paths: r.paths, since: r.since, until: r.until, recheckAt: r.recheck_at, step: r.step };
}

/** Every held tenant, for the admin list. */
export async function tenantHolds(db: D1Database): Promise<Map<string, TenantHold>> {
  const { results } = await db.prepare(`SELECT tenant_id, reason, paths, since, until, recheck_at, step FROM tenant_holds`).all<{ tenant_id: string }>();
  return new Map(
    results.map((row) => {
      const r = HoldRow.parse(row);
      return [row.tenant_id, { reason: r.reason, paths: r.paths, since: r.since, until: r.until, recheckAt: r.recheck_at, step: r.step }];
    }),
  );
}

/**
 * Holds the tenant. Held again for the same reason, the backoff grows a step and
 * `since` is kept; for another reason, the hold starts over. `until` overrides the
 * backoff of an outage pause (e.g. a service's Retry-After).
 */
export async function holdTenant(
  db: D1Database,
  tenantId: string,
  hold: { reason: HoldReason; paths?: readonly string[]; until?: Date },
  now: Date = new Date(),
): Promise<TenantHold> {
  const current = await tenantHoldOf(db, tenantId);
  const same = current?.reason === hold.reason;
  const step = same ? current.step + 1 : 1;
  const contract = CONTRACT_REASONS.includes(hold.reason);
  const recheck = hold.until ?? new Date(now.getTime() + backoffMs(step, HOLD_BACKOFF[hold.reason]));
  const next: TenantHold = {
    reason: hold.reason,
    paths: [...new Set(hold.paths ?? [])].sort(),
    since: same ? current.since : now.toISOString(),
    until: contract ? null : recheck.toISOString(),
    recheckAt: recheck.toISOString(),
    step,
  };
  await db
    .prepare(
      `INSERT INTO tenant_holds (tenant_id, reason, paths, since, until, recheck_at, step) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
       ON CONFLICT (tenant_id) DO UPDATE SET reason = excluded.reason, paths = excluded.paths, since = excluded.since,
         until = excluded.until, recheck_at = excluded.recheck_at, step = excluded.step`,
    )
    .bind(tenantId, next.reason, JSON.stringify(next.paths), next.since, next.until, next.recheckAt, next.step)
    .run();
  return next;
}

/** Ends the tenant's hold (only if it is for `reason`, when given); true when one ended. */
export async function releaseTenantHold(db: D1Database, tenantId: string, reason?: HoldReason): Promise<boolean> {
  const result = reason
    ? await db.prepare(`DELETE FROM tenant_holds WHERE tenant_id = ?1 AND reason = ?2`).bind(tenantId, reason).run()
    : await db.prepare(`DELETE FROM tenant_holds WHERE tenant_id = ?1`).bind(tenantId).run();
  return result.meta.changes > 0;
}

/**
 * Takes the right to probe a held tenant whose re-check is due: one run at a time
 * probes, the others see it held. The probe has `leaseMs` before another may try.
 */
export async function claimProbe(db: D1Database, tenantId: string, now: Date, leaseMs: number): Promise<boolean> {
  const result = await db
    .prepare(`UPDATE tenant_holds SET recheck_at = ?3 WHERE tenant_id = ?1 AND recheck_at <= ?2`)
    .bind(tenantId, now.toISOString(), new Date(now.getTime() + leaseMs).toISOString())
    .run();
  return result.meta.changes === 1;
}

/** Held tenants whose re-check is due: the cron sends each a sync message. */
export async function holdsDue(db: D1Database, now: Date, limit = 500): Promise<string[]> {
  const { results } = await db
    .prepare(`SELECT tenant_id FROM tenant_holds WHERE recheck_at <= ?1 ORDER BY recheck_at LIMIT ?2`)
    .bind(now.toISOString(), limit)
    .all<{ tenant_id: string }>();
  return results.map((r) => r.tenant_id);
}
