// How long a backfill's range may be, checked the same way by the admin API and the CLI.
// iAdvize documents no retention of closed conversations (shared/CONTRACTS.md), so the
// bound is ours: two years (731 days, a leap day included) is 105 weekly windows to list,
// a size whose progress someone follows to the end (`from: 0000-01-01` would be some
// 105,000 windows, about 5,300 steps). A longer history is several backfills in a row.

export const BACKFILL_MAX_DAYS = 731;
const DAY_MS = 86_400_000;

/** Why a range cannot be backfilled (`to` after now is read as now), or null when it can. */
export function rangeProblem(from: Date, to: Date, now: Date): string | null {
  const end = Math.min(to.getTime(), now.getTime());
  if (!(from.getTime() < end)) return "from must be before to, and before now.";
  if (end - from.getTime() > BACKFILL_MAX_DAYS * DAY_MS) {
    return `A backfill covers at most ${BACKFILL_MAX_DAYS} days (2 years); this range has ${Math.ceil((end - from.getTime()) / DAY_MS)}: split it into several backfills, run one after the other.`;
  }
  return null;
}
