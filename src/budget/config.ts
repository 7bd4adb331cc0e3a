// The `budget` slice of a tenant's configuration: how many Salesforce API calls a day the
// connector may spend, and at which used share of the org's own daily allowance (which
// every integration of the org shares) each kind of work pauses: backfill first, the live
// follow-up of open conversations next, the sync on close last.
import * as z from "zod";

const Percent = z.number().min(1).max(100);

const PAUSE_AT_DEFAULTS = { backfill: 50, followUp: 75, onClose: 90 };

export function budgetConfig() {
  return z
    .object({
      /** The connector's own daily cap: a number of calls, or a share of the org's allowance. None by default. */
      daily: z
        .union([
          z.object({ calls: z.number().int().min(1).max(100_000_000) }).strict(),
          z.object({ percentOfOrg: Percent }).strict(),
        ])
        .nullable()
        .default(null),
      /** Each kind of work pauses once the org has used this share (%) of its daily allowance. */
      pauseAt: z
        .object({
          backfill: Percent.default(PAUSE_AT_DEFAULTS.backfill),
          followUp: Percent.default(PAUSE_AT_DEFAULTS.followUp),
          onClose: Percent.default(PAUSE_AT_DEFAULTS.onClose),
        })
        .strict()
        .refine((p) => p.backfill <= p.followUp && p.followUp <= p.onClose, "backfill pauses first: backfill ≤ followUp ≤ onClose")
        .default(PAUSE_AT_DEFAULTS),
    })
    .strict();
}

export type BudgetConfig = z.infer<ReturnType<typeof budgetConfig>>;

/** What a tenant without a `budget` setting gets. */
export const DEFAULT_BUDGET: BudgetConfig = { daily: null, pauseAt: PAUSE_AT_DEFAULTS };
