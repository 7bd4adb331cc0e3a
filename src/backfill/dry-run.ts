// A dry run's step: the new conversations of the pages gathered, each read as the sync
// reads it, and what their sync batch would cost in Salesforce calls; nothing written
// but the backfill's own counts.
import type { ClosedConversation } from "../iadvize/closed-conversations.ts";
import { cachedDescribes } from "../salesforce/describe.ts";
import type { SyncItem } from "../sync/item.ts";
import { holdCauseOf } from "../sync/outage.ts";
import { readConversation } from "../sync/read-conversation.ts";
import { DESCRIBED, estimatePage } from "./estimate.ts";
import type { Step } from "./pages.ts";
import { gather } from "./pages.ts";
import { advanceStatement } from "./store.ts";

const READ_CONCURRENCY = 6;

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
      items.push({ conversationId: c.id, visitorId: c.id, tenantId: s.row.tenant_id, channel: c.channel, startedAt: c.createdAt, closedAt: c.closedAt, operatorIds: [], satisfaction: null, transactions: [], escalation: null, deflection: null, read });
    } catch (err) {
      if (holdCauseOf(err)) throw err;
      unreadable++;
    }
  });
  return { items, unreadable };
}

export async function dryStep(s: Step): Promise<{ kind: "done" } | { kind: "next"; at: Date }> {
  const { db, row, deps, tenant } = s;
  const g = await gather(s);
  const { items, unreadable } = await readItems(s, g.fresh);
  const at = deps.now();
  // The sync reads the describes it has not cached with its first batch, then caches them.
  const cached = row.calls_estimate === 0 ? await cachedDescribes(db, row.tenant_id, DESCRIBED.map((d) => d.object), at.getTime()) : undefined;
  const describe = cached ? DESCRIBED.filter((d) => !cached.has(d.object)).map((d) => d.name) : [];
  const estimate = estimatePage(items, tenant, describe);
  const done = g.next === null;
  await db.batch([
    advanceStatement(
      db,
      row.id,
      { windowFrom: g.next?.windowFrom ?? new Date(row.range_to), pageAfter: g.next?.after ?? null, read: g.read, fresh: g.fresh.length, failedReads: unreadable, leads: estimate.leads, calls: estimate.calls, callsAtMost: estimate.callsAtMost, done, nextAt: at, release: true },
      at,
    ),
  ]);
  return done ? { kind: "done" } : { kind: "next", at };
}
