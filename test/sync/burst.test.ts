// A burst of closed conversations, signed webhooks in: while a tenant's sync waits for a
// full collection it reads from iAdvize what is due, so the run that follows reads only
// what arrived since (each conversation read once); a fast burst runs before the full
// collection once 125 wait; a read made early is not trusted after a minute, nor once the
// conversation closed again; an outage while reading early holds nothing and loses nothing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CONVERSATION_BATCH_MAX } from "../../src/queues.ts";
import { tenantHoldOf } from "../../src/sync/holds.ts";
import { PREFETCH_TTL_MS } from "../../src/sync/prefetch.ts";
import { BURST_WAIT_MS, EARLY_RUN_MIN, EARLY_RUN_MS, WAIT_LOOK_MS } from "../../src/sync/sync-consumer.ts";
import { CAR_DEALER } from "../emulators/iadvize/seed.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { seedConversation, setFaults, stats } from "../helpers/iadvize.ts";
import { apiUsed, records } from "../helpers/salesforce.ts";
import { Sim } from "../helpers/sim.ts";
import { newSyncTenant } from "../helpers/tenant.ts";
import type { SyncTenant } from "../helpers/tenant.ts";

/** `closed` closed conversations seeded in iAdvize and their webhooks, then `pushed` pushes of other conversations. */
async function burst(t: SyncTenant, closed: number, pushed = 0): Promise<object[]> {
  const out: object[] = [];
  for (let i = 0; i < closed; i++) {
    const c = await seedConversation({ projectId: t.projectId, visitor: { ...CAR_DEALER.visitor, id: crypto.randomUUID() } });
    out.push({ ...fixtures.conversationClosed, eventId: crypto.randomUUID(), projectId: t.projectId, conversationId: c.id, visitorId: c.visitor.id });
  }
  for (let i = 0; i < pushed; i++) {
    out.push({ ...fixtures.conversationPushed, eventId: crypto.randomUUID(), projectId: t.projectId, conversationId: crypto.randomUUID(), visitorId: crypto.randomUUID() });
  }
  return out;
}

const written = async (t: SyncTenant) => (await records(t.org, "iAdvize_Conversation__c")).length;
const reads = async (t: SyncTenant) => (await stats(t.iadvizeUser.username)).graphql;

describe("a burst's sync", { timeout: 180_000 }, () => {
  it("reads what is due while it waits for a full collection; the run then reads only the rest, each conversation once", async () => {
    const sim = new Sim();
    const t = await newSyncTenant();
    const events = await burst(t, 2 * CONVERSATION_BATCH_MAX);

    await sim.webhooks(events.slice(0, CONVERSATION_BATCH_MAX));
    await sim.deliver();
    // Nothing written yet, but the 100 due were read meanwhile.
    expect(await written(t)).toBe(0);
    expect(await apiUsed(t.org)).toBe(0);
    expect(await reads(t)).toBe(CONVERSATION_BATCH_MAX);

    sim.t += 1000;
    await sim.deliver();
    expect(await written(t)).toBe(0);
    expect(await reads(t)).toBe(CONVERSATION_BATCH_MAX);

    await sim.webhooks(events.slice(CONVERSATION_BATCH_MAX));
    await sim.deliver();
    expect(await written(t)).toBe(2 * CONVERSATION_BATCH_MAX);
    expect(await apiUsed(t.org)).toBeLessThanOrEqual(3);
    // 200 conversations, 200 reads: none read twice.
    expect(await reads(t)).toBe(2 * CONVERSATION_BATCH_MAX);
  });

  it(`a fast burst runs once ${EARLY_RUN_MIN} are due and the oldest waited EARLY_RUN_MS, a slower one waits BURST_WAIT_MS`, async () => {
    expect(EARLY_RUN_MS).toBeLessThan(BURST_WAIT_MS);
    const fast = await newSyncTenant();
    const slow = await newSyncTenant();
    for (const [t, more] of [
      [fast, EARLY_RUN_MIN - CONVERSATION_BATCH_MAX],
      [slow, EARLY_RUN_MIN - CONVERSATION_BATCH_MAX - 1],
    ] as const) {
      const sim = new Sim();
      const start = sim.t;
      // Two full batches of the conversation queue: a burst. The second one carries pushes of other conversations too.
      await sim.webhooks(await burst(t, CONVERSATION_BATCH_MAX));
      await sim.deliver();
      sim.t += 500;
      await sim.webhooks(await burst(t, more, CONVERSATION_BATCH_MAX - more));
      await sim.deliver();
      // The clock goes on by half seconds; each look at the backlog asks again a second later.
      let first: { at: number; count: number } | undefined;
      for (let at = 1000; at <= BURST_WAIT_MS + 1000 && !first; at += 500) {
        sim.t = start + at;
        await sim.deliver();
        const n = await written(t);
        if (n > 0) first = { at, count: n };
      }
      const ran = t === fast ? EARLY_RUN_MS : BURST_WAIT_MS;
      expect(first).toEqual({ at: ran, count: CONVERSATION_BATCH_MAX + more });
      expect(await apiUsed(t.org)).toBeLessThanOrEqual(3);
    }
  });

  it(`a sync waiting inside its invocation runs there once ${EARLY_RUN_MIN} are due, without a message sent again`, async () => {
    const sim = new Sim();
    const t = await newSyncTenant();
    const start = sim.t;
    const more = EARLY_RUN_MIN - CONVERSATION_BATCH_MAX;
    const first = await burst(t, CONVERSATION_BATCH_MAX);
    const second = await burst(t, more, CONVERSATION_BATCH_MAX - more);
    // While the sync waits, the clock goes on and the burst's second full batch arrives after 500 ms.
    let arrived = false;
    let readBeforeRun = 0;
    sim.meanwhile = async (ms) => {
      sim.t += ms;
      readBeforeRun = await reads(t);
      if (!arrived && sim.t - start >= 500) {
        arrived = true;
        await sim.webhooks(second);
      }
    };
    await sim.webhooks(first);
    const sent = sim.pending.length;
    expect(await sim.invocation()).toBe(true);
    // One invocation: the run went once the oldest waited EARLY_RUN_MS, at the next look.
    expect(arrived).toBe(true);
    expect(await written(t)).toBe(EARLY_RUN_MIN);
    expect(sim.t - start).toBeGreaterThanOrEqual(EARLY_RUN_MS);
    expect(sim.t - start).toBeLessThan(EARLY_RUN_MS + WAIT_LOOK_MS);
    expect(await apiUsed(t.org)).toBeLessThanOrEqual(3);
    // Each conversation read once, those of the second batch too while the sync waited (before the look that ran);
    // no message of the first batch's sync came back, only the second batch's own.
    expect(readBeforeRun).toBe(EARLY_RUN_MIN);
    expect(await reads(t)).toBe(EARLY_RUN_MIN);
    expect(sent).toBe(1);
    expect(sim.pending.filter((m) => m.at > start + 500)).toHaveLength(0);
  });

  it("does not trust a read made early once PREFETCH_TTL_MS passed: the run reads it again", async () => {
    const sim = new Sim();
    const t = await newSyncTenant();
    await sim.webhooks(await burst(t, CONVERSATION_BATCH_MAX));
    await sim.deliver();
    expect(await reads(t)).toBe(CONVERSATION_BATCH_MAX);
    // The sync queue is late by a minute: the run reads every conversation again.
    sim.t += PREFETCH_TTL_MS;
    await sim.deliver();
    expect(await written(t)).toBe(CONVERSATION_BATCH_MAX);
    expect(await reads(t)).toBe(2 * CONVERSATION_BATCH_MAX);
  });

  it("reads again a conversation closed again since it was read early", async () => {
    const sim = new Sim();
    const t = await newSyncTenant();
    const events = (await burst(t, CONVERSATION_BATCH_MAX)) as (typeof fixtures.conversationClosed)[];
    await sim.webhooks(events);
    await sim.deliver();
    expect(await reads(t)).toBe(CONVERSATION_BATCH_MAX);
    // One of them is closed again later (a new close after a reopening): its read made early is stale.
    const again = events[0] as typeof fixtures.conversationClosed;
    await sim.webhooks([{ ...again, eventId: crypto.randomUUID(), createdAt: "2026-11-20T10:31:47.000Z" }]);
    await sim.deliver();
    expect(await written(t)).toBe(CONVERSATION_BATCH_MAX);
    expect(await reads(t)).toBe(CONVERSATION_BATCH_MAX + 1);
  });

  it("an iAdvize outage while reading early holds nothing and loses nothing: the run reads and writes every conversation", async () => {
    const sim = new Sim();
    const t = await newSyncTenant();
    const events = await burst(t, 2 * CONVERSATION_BATCH_MAX);
    await setFaults(t.iadvizeUser.username, { down: true });
    await sim.webhooks(events.slice(0, CONVERSATION_BATCH_MAX));
    await sim.deliver();
    expect(await tenantHoldOf(env.DB, t.tenantId)).toBeNull();
    expect(await written(t)).toBe(0);
    await setFaults(t.iadvizeUser.username, { down: false });
    await sim.webhooks(events.slice(CONVERSATION_BATCH_MAX));
    await sim.deliver();
    expect(await written(t)).toBe(2 * CONVERSATION_BATCH_MAX);
    expect(await apiUsed(t.org)).toBeLessThanOrEqual(3);
  });

  it("an iAdvize outage met while reading early costs one request, not one at every look of the wait inside the invocation", async () => {
    const sim = new Sim();
    const t = await newSyncTenant();
    await sim.webhooks(await burst(t, CONVERSATION_BATCH_MAX));
    await setFaults(t.iadvizeUser.username, { down: true });
    const graphql = async () => (await stats(t.iadvizeUser.username)).graphql;
    // Nothing more arrives: the sync waits BURST_WAIT_MS inside its invocation, then runs (and meets the outage itself).
    let firstLook: number | undefined;
    let beforeRun = 0;
    sim.meanwhile = async (ms) => {
      sim.t += ms;
      beforeRun = await graphql();
      firstLook ??= beforeRun;
    };
    const start = sim.t;
    await sim.invocation();
    expect(sim.t - start).toBe(BURST_WAIT_MS);
    // The read made early met the outage before the first look (with the client's own retries); none after.
    expect(firstLook).toBeGreaterThan(0);
    expect(beforeRun).toBe(firstLook);
  });
});
