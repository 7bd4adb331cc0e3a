// One bounded step of a backfill, run from its queue: a page of closedConversations (a few
// when they bring nothing new), its new conversations inserted closed and pending with
// origin 'backfill' in the same D1 batch as the new place in the range, then the sync told.
// The next page waits until the sync has tried this one, so each page is one sync batch
// and live conversations never queue behind a whole history. A dry run reads each new
// conversation instead and adds up what the sync would cost. A service down or a
// contract surprise holds the backfill at its place; nothing read is lost.
import type { Bindings, Config } from "../env.ts";
import { iadvizeClientFor } from "../iadvize/for-tenant.ts";
import type { IadvizeClient } from "../iadvize/client.ts";
import type { ClosedConversation } from "../iadvize/closed-conversations.ts";
import { backoffMs } from "../lib/backoff.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import { errorFields, log } from "../log.ts";
import { cachedDescribes } from "../salesforce/describe.ts";
import { clientClock } from "../sync/clock.ts";
import type { SyncDeps } from "../sync/clock.ts";
import type { SyncItem } from "../sync/item.ts";
import { holdCauseOf } from "../sync/outage.ts";
import { readConversation } from "../sync/read-conversation.ts";
import type { TenantConfig } from "../tenants/schema.ts";
import { getTenantConfig } from "../tenants/store.ts";
import { DESCRIBED, estimatePage } from "./estimate.ts";
import type { BackfillRow } from "./store.ts";
import { advanceStatement, claimStep, holdBackfill, insertConversationStatement, knownIds, postpone, untried } from "./store.ts";
import { windowAt } from "./windows.ts";
import { CLOSED_CONVERSATIONS_PAGE } from "../iadvize/assumptions.ts";
import { SYNC_BATCH } from "../sync/crm-sync.ts";

/** A step's claim: a crashed step is taken back by the cron after this. */
export const STEP_LEASE_MS = 120_000;
/** Pages read in one step at most (empty weeks, known conversations cost a request each). */
const PAGES_PER_STEP = 20;
/** How soon to look whether the sync has tried the page handed to it, then how often while it has not. */
export const FEED_CHECK_MS = 6_000;
const WAIT_SHORT_MS = 3_000;
const WAIT_LONG_MS = 120_000;
/** After this long without progress (the sync paused: a budget, a hold), look less often. */
const WAIT_LONG_AFTER_MS = 120_000;
const HOLD_BACKOFF = { baseMs: 60_000, capMs: 6 * 3_600_000 };
const READ_CONCURRENCY = 6;

export type StepResult = { kind: "idle" } | { kind: "done" } | { kind: "next"; at: Date };

interface Step {
  env: Pick<Bindings, "DB" | "SYNC_QUEUE">;
  row: BackfillRow;
  tenant: TenantConfig;
  client: IadvizeClient;
  deps: SyncDeps;
}

export async function runStep(env: Pick<Bindings, "DB" | "SYNC_QUEUE">, config: Config, id: string, deps: SyncDeps): Promise<StepResult> {
  const now = deps.now();
  const row = await claimStep(env.DB, id, now, STEP_LEASE_MS);
  if (!row) return { kind: "idle" };
  const tenant = await getTenantConfig(env.DB, config.ENCRYPTION_KEY, row.tenant_id);
  if (!tenant?.iadvize || !tenant.salesforce) return hold(env.DB, row, { reason: "tenant_not_configured", paths: [] }, now);
  const client = iadvizeClientFor(env.DB, config, row.tenant_id, tenant, clientClock(deps));
  const step: Step = { env, row, tenant, client, deps };
  try {
    return await (row.dry_run === 1 ? dryStep(step) : realStep(step));
  } catch (err) {
    const cause = holdCauseOf(err) ?? (err instanceof UpstreamError ? { reason: `iadvize_${err.code}`, paths: [] } : undefined);
    if (!cause) throw err;
    log.warn("backfill.held", { tenantId: row.tenant_id, backfillId: row.id, reason: cause.reason, paths: cause.paths.join(","), ...errorFields(err) });
    return hold(env.DB, row, cause, deps.now());
  }
}

async function hold(db: D1Database, row: BackfillRow, cause: { reason: string; paths: readonly string[] }, now: Date): Promise<StepResult> {
  const at = new Date(now.getTime() + backoffMs(row.hold_step + 1, HOLD_BACKOFF));
  await holdBackfill(db, row.id, cause, at, now);
  return { kind: "next", at };
}

interface Place {
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
interface Gathered {
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
async function gather(s: Step): Promise<Gathered> {
  const rangeTo = new Date(s.row.range_to);
  let place: Place | null = { windowFrom: new Date(s.row.window_from), after: s.row.page_after };
  const out: Gathered = { read: 0, fresh: [], next: place };
  for (let pages = 0; place && pages < PAGES_PER_STEP && out.fresh.length <= SYNC_BATCH - CLOSED_CONVERSATIONS_PAGE; pages++) {
    const page = await readPage(s, place, rangeTo);
    if (!page) {
      place = null;
      break;
    }
    const known = await knownIds(s.env.DB, s.row.tenant_id, page.page.map((c) => c.id));
    const taken = new Set(out.fresh.map((c) => c.id));
    out.read += page.page.length;
    out.fresh.push(...page.page.filter((c) => !known.has(c.id) && !taken.has(c.id)));
    place = page.next;
  }
  // A place at the range's end is the range read.
  out.next = place && windowAt(place.windowFrom, rangeTo) ? place : null;
  return out;
}

async function realStep(s: Step): Promise<StepResult> {
  const { env, row, deps } = s;
  const now = deps.now();
  if ((await untried(env.DB, row.id)) > 0) {
    const idleFor = now.getTime() - Date.parse(row.updated_at);
    const at = new Date(now.getTime() + (idleFor > WAIT_LONG_AFTER_MS ? WAIT_LONG_MS : WAIT_SHORT_MS));
    await postpone(env.DB, row.id, at);
    return { kind: "next", at };
  }
  const g = await gather(s);
  const at = deps.now();
  const rangeTo = new Date(row.range_to);
  // Done once the range is read and the sync has tried all it was handed (checked above).
  const done = g.next === null && g.fresh.length === 0;
  const nextAt = new Date(at.getTime() + (g.fresh.length > 0 ? FEED_CHECK_MS : 0));
  await env.DB.batch([
    ...g.fresh.map((c) => insertConversationStatement(env.DB, row.tenant_id, row.id, c, at)),
    advanceStatement(env.DB, row.id, { windowFrom: g.next?.windowFrom ?? rangeTo, pageAfter: g.next?.after ?? null, read: g.read, done, nextAt, release: true }, at),
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

async function inPool<T>(items: readonly T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await run(items[i] as T);
    }),
  );
}

/** Each new conversation of the page read as the sync reads it; what iAdvize cannot read is counted. */
async function readItems(s: Step, fresh: readonly ClosedConversation[]): Promise<{ items: SyncItem[]; unreadable: number }> {
  const items: SyncItem[] = [];
  let unreadable = 0;
  await inPool(fresh, READ_CONCURRENCY, async (c) => {
    try {
      const read = await readConversation(s.client, c.id, s.tenant.mapping);
      if (!read) {
        unreadable++;
        return;
      }
      // As the sync builds it for a conversation the backfill inserted (no visitor id, no events).
      items.push({ conversationId: c.id, visitorId: c.id, tenantId: s.row.tenant_id, channel: c.channel, startedAt: c.createdAt, closedAt: c.closedAt, operatorIds: [], satisfaction: null, escalation: null, read });
    } catch (err) {
      if (holdCauseOf(err)) throw err;
      unreadable++;
    }
  });
  return { items, unreadable };
}

async function dryStep(s: Step): Promise<StepResult> {
  const { env, row, deps, tenant } = s;
  const g = await gather(s);
  const { items, unreadable } = await readItems(s, g.fresh);
  const at = deps.now();
  // The sync reads the describes it has not cached with its first batch, then caches them.
  const cached = row.calls_estimate === 0 ? await cachedDescribes(env.DB, row.tenant_id, DESCRIBED.map((d) => d.object), at.getTime()) : undefined;
  const describe = cached ? DESCRIBED.filter((d) => !cached.has(d.object)).map((d) => d.name) : [];
  const estimate = estimatePage(items, tenant, describe);
  const done = g.next === null;
  await env.DB.batch([
    advanceStatement(
      env.DB,
      row.id,
      { windowFrom: g.next?.windowFrom ?? new Date(row.range_to), pageAfter: g.next?.after ?? null, read: g.read, fresh: g.fresh.length, failedReads: unreadable, leads: estimate.leads, calls: estimate.calls, callsAtMost: estimate.callsAtMost, done, nextAt: at, release: true },
      at,
    ),
  ]);
  return done ? { kind: "done" } : { kind: "next", at };
}
