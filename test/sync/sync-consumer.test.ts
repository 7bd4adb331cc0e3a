// The sync queue's consumer under load: a burst's sync waits for a full collection (200)
// or the burst's end, a lone conversation goes at once, and one invocation runs at most
// TENANTS_PER_INVOCATION tenants so its subrequests stay within the Workers limit.
import { createMessageBatch } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { KnownEvent } from "../../src/events/schema.ts";
import type { QueueMessage } from "../../src/queues.ts";
import { CONVERSATION_BATCH_MAX } from "../../src/queues.ts";
import { SYNC_BATCH } from "../../src/sync/crm-sync.ts";
import { BURST_WAIT_MS, consumeSyncBatch, RUN_SUBREQUESTS_MAX, SUBREQUESTS_PER_INVOCATION, TENANT_SUBREQUESTS_MAX, TENANTS_PER_INVOCATION } from "../../src/sync/sync-consumer.ts";
import { CAR_DEALER } from "../emulators/iadvize/seed.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { seedConversation, stats } from "../helpers/iadvize.ts";
import { uniqueTenantId } from "../helpers/ids.ts";
import { apiUsed, records } from "../helpers/salesforce.ts";
import { Sim } from "../helpers/sim.ts";
import { newSyncTenant } from "../helpers/tenant.ts";
import type { SyncTenant } from "../helpers/tenant.ts";

/** Closed conversations seeded in iAdvize, as the webhooks of a burst announce them. */
async function closedEvents(t: SyncTenant, n: number): Promise<QueueMessage[]> {
  const out: QueueMessage[] = [];
  for (let i = 0; i < n; i++) {
    const c = await seedConversation({ projectId: t.projectId, visitor: { ...CAR_DEALER.visitor, id: crypto.randomUUID() } });
    const event = KnownEvent.parse({ ...fixtures.conversationClosed, eventId: crypto.randomUUID(), projectId: t.projectId, conversationId: c.id, visitorId: c.visitor.id });
    out.push({ kind: "event", tenantId: t.tenantId, event, correlationId: null, deliveryId: null, receivedAt: new Date().toISOString() });
  }
  return out;
}

const written = async (t: SyncTenant) => (await records(t.org, "iAdvize_Conversation__c")).length;

describe("sync consumer", { timeout: 120_000 }, () => {
  it("a burst syncs by full collections: 200 conversations in one run of at most 3 calls, none before; the burst's last batch goes at once", async () => {
    const sim = new Sim();
    const t = await newSyncTenant();
    const events = await closedEvents(t, 2 * CONVERSATION_BATCH_MAX + 1);

    // A full batch of the conversation queue: more is coming, the sync waits.
    await sim.events(events.slice(0, CONVERSATION_BATCH_MAX));
    await sim.deliver();
    expect(await written(t)).toBe(0);
    expect(await apiUsed(t.org)).toBe(0);
    sim.t += 1000;
    await sim.deliver();
    expect(await written(t)).toBe(0);

    // A second full batch: a full collection is due, it goes at once, in one run.
    const readsBefore = (await stats(t.iadvizeUser.username)).graphql;
    await sim.events(events.slice(CONVERSATION_BATCH_MAX, 2 * CONVERSATION_BATCH_MAX));
    await sim.deliver();
    expect(await written(t)).toBe(SYNC_BATCH);
    const calls = await apiUsed(t.org);
    expect(calls).toBeLessThanOrEqual(3);
    // What the run fetched stays within what the consumer reserves for one run.
    expect((await stats(t.iadvizeUser.username)).graphql - readsBefore + calls).toBeLessThanOrEqual(RUN_SUBREQUESTS_MAX);

    // The burst's last batch is not full: the queue is idle, the sync goes at once.
    await sim.events(events.slice(2 * CONVERSATION_BATCH_MAX));
    await sim.deliver();
    expect(await written(t)).toBe(2 * CONVERSATION_BATCH_MAX + 1);
  });

  it("a burst that never fills a collection waits at most BURST_WAIT_MS for it", async () => {
    const sim = new Sim();
    const t = await newSyncTenant();
    await sim.events(await closedEvents(t, CONVERSATION_BATCH_MAX));
    await sim.deliver();
    for (let waited = 1000; waited < BURST_WAIT_MS; waited += 1000) {
      sim.t += 1000;
      await sim.deliver();
      expect(await written(t)).toBe(0);
    }
    sim.t += 1000;
    await sim.deliver();
    expect(await written(t)).toBe(CONVERSATION_BATCH_MAX);
    expect(await apiUsed(t.org)).toBeLessThanOrEqual(3);
    // Nothing is left waiting: no message keeps coming back.
    sim.t += 60_000;
    await sim.deliver();
    expect(sim.pending).toHaveLength(0);
  });

  it("one invocation runs at most TENANTS_PER_INVOCATION tenants, within 10,000 subrequests; the others are sent again at once", async () => {
    expect(SUBREQUESTS_PER_INVOCATION).toBe(10_000);
    // A tenant's reads made early while it waits (a collection at most) and its run, together.
    expect(TENANT_SUBREQUESTS_MAX).toBeGreaterThanOrEqual(2 * SYNC_BATCH + 50);
    expect(TENANTS_PER_INVOCATION * TENANT_SUBREQUESTS_MAX).toBeLessThanOrEqual(SUBREQUESTS_PER_INVOCATION);
    const sim = new Sim();
    // Tenants not configured cost no request: what counts here is which ones run.
    const tenants = Array.from({ length: TENANTS_PER_INVOCATION + 5 }, () => uniqueTenantId());
    const batch = createMessageBatch("crm-sync", tenants.map((tenantId, i) => ({ id: `b${i}`, timestamp: sim.now, attempts: 1, body: { tenantId } })));
    await consumeSyncBatch(batch, sim.env, sim.config, sim.deps);
    expect(sim.pending.map((m) => m.body.tenantId)).toEqual(tenants.slice(TENANTS_PER_INVOCATION));
    expect(sim.pending.every((m) => m.at === sim.t)).toBe(true);
  });
});
