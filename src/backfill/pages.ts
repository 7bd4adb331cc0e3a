// The pages a backfill step reads: closedConversations from the backfill's place, window
// after window, gathered until the new conversations fill a sync batch. A real run and a
// dry run gather alike, so each step is one sync batch in both.
import type { Bindings } from "../env.ts";
import { CLOSED_CONVERSATIONS_PAGE } from "../iadvize/assumptions.ts";
import type { IadvizeClient } from "../iadvize/client.ts";
import type { ClosedConversation } from "../iadvize/closed-conversations.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import type { SyncDeps } from "../sync/clock.ts";
import type { TenantConfig } from "../tenants/schema.ts";
import type { BackfillRow } from "./store.ts";
import { knownIds } from "./store.ts";
import { windowAt } from "./windows.ts";

/** Pages read in one step at most (empty weeks, known conversations cost a request each). */
const PAGES_PER_STEP = 20;
/** New conversations a step hands to the sync at most: half a sync run (SYNC_BATCH 200), so live work due meanwhile shares its run. */
const STEP_CONVERSATIONS = 100;

/** What a step works with: the claimed backfill, its tenant, the tenant's iAdvize client. */
export interface Step {
  env: Pick<Bindings, "SYNC_QUEUE">;
  /** The tenant's database. */
  db: D1Database;
  row: BackfillRow;
  tenant: TenantConfig;
  client: IadvizeClient;
  deps: SyncDeps;
}

export interface Place {
  windowFrom: Date;
  after: string | null;
}

/** One page at the backfill's place, and the place after it; null when the range is read. */
async function readPage(s: Step, place: Place, rangeTo: Date): Promise<{ page: ClosedConversation[]; next: Place } | null> {
  const window = windowAt(place.windowFrom, rangeTo);
  if (!window) return null;
  const projectId = Number(s.row.tenant_id.slice(s.row.tenant_id.indexOf("-") + 1));
  const page = await s.client.closedConversations(projectId, window, place.after);
  if (page.hasNextPage && (!page.endCursor || page.endCursor === place.after)) {
    throw new UpstreamError("iadvize", "pagination_broken", "iAdvize closedConversations pagination did not progress", { retryable: false });
  }
  const next = page.hasNextPage ? { windowFrom: window.from, after: page.endCursor } : { windowFrom: window.to, after: null };
  return { page: page.conversations, next };
}

/** What one step read: up to a sync batch of new conversations, from consecutive pages. */
export interface Gathered {
  read: number;
  fresh: ClosedConversation[];
  /** The place after the last page read; null once the range is read. */
  next: Place | null;
}

/**
 * Pages from the backfill's place until the new conversations would no longer fit one
 * more page in a sync batch, the range is read, or PAGES_PER_STEP pages were read: a real
 * run and a dry run cut the same steps, so each step is one sync batch in both.
 */
export async function gather(s: Step): Promise<Gathered> {
  const rangeTo = new Date(s.row.range_to);
  let place: Place | null = { windowFrom: new Date(s.row.window_from), after: s.row.page_after };
  const out: Gathered = { read: 0, fresh: [], next: place };
  for (let pages = 0; place && pages < PAGES_PER_STEP && out.fresh.length <= STEP_CONVERSATIONS - CLOSED_CONVERSATIONS_PAGE; pages++) {
    const page = await readPage(s, place, rangeTo);
    if (!page) {
      place = null;
      break;
    }
    const known = await knownIds(s.db, s.row.tenant_id, page.page.map((c) => c.id));
    const taken = new Set(out.fresh.map((c) => c.id));
    out.read += page.page.length;
    out.fresh.push(...page.page.filter((c) => !known.has(c.id) && !taken.has(c.id)));
    place = page.next;
  }
  // A place at the range's end is the range read.
  out.next = place && windowAt(place.windowFrom, rangeTo) ? place : null;
  return out;
}
