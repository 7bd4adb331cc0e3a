// A backfill survives what a Worker lives through: a crash mid-step with every queue
// message lost continues from its last page once the cron finds it; running it twice, or
// over conversations already synced live, creates nothing twice.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { claimStep } from "../../src/backfill/store.ts";
import { STEP_LEASE_MS } from "../../src/backfill/step.ts";
import { BACKFILL_LATE_MS } from "../../src/backfill/queue.ts";
import { KnownEvent } from "../../src/events/schema.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { BACKFILL_MAPPING, BackfillSim, closedConversation } from "../helpers/backfill.ts";
import { apiUsed, records } from "../helpers/salesforce.ts";
import { newSyncTenant } from "../helpers/tenant.ts";
import type { SyncTenant } from "../helpers/tenant.ts";

/** `n` conversations a week in the given weeks of 2026 (0 = the first), one in four without an email. */
async function seedHistory(t: SyncTenant, n: number, weeks: number[] = [0, 3, 6]) {
  const out = [];
  for (const week of weeks) {
    for (let i = 0; i < n; i++) out.push(await closedConversation(t, new Date(Date.parse("2026-01-01T00:00:00Z") + week * 7 * 86_400_000 + i * 60_000).toISOString(), i % 4 === 3 ? { email: null } : {}));
  }
  return out;
}

async function written(t: SyncTenant) {
  const convs = (await records(t.org, "iAdvize_Conversation__c")).map((r) => String(r.Conversation_Id__c));
  return { conversations: convs, distinct: new Set(convs).size, leads: (await records(t.org, "Lead")).length };
}

describe("backfill resumes", { timeout: 120_000 }, () => {
  it("continues from its last page after a crash that lost every message, with nothing doubled", async () => {
    const t = await newSyncTenant({ mapping: BACKFILL_MAPPING });
    // Two steps' worth: the first step reads weeks 1 to 4 (60 conversations), the second the rest.
    const seeded = [...(await seedHistory(t, 30, [0, 3])), ...(await seedHistory(t, 10, [6]))];
    const sim = new BackfillSim();
    const { id } = await sim.start(t.tenantId, { from: "2026-01-01", to: "2026-03-15" });
    await sim.drain(1);
    const before = await sim.progress(t.tenantId);
    expect(before.status).toBe("running");
    expect(before).toMatchObject({ read: 60, written: 60 });
    // The Worker dies in the middle of its next step (its claim taken, nothing saved) and the queues lose their messages.
    sim.t = Math.max(sim.t, ...sim.steps.map((m) => m.at));
    expect(await claimStep(env.DB, id, sim.deps.now(), STEP_LEASE_MS)).not.toBeNull();
    sim.loseMessages();
    await sim.drain();
    expect((await sim.progress(t.tenantId)).read).toBe(before.read);
    // The cron finds it once its step is overdue and its claim ran out.
    sim.t += Math.max(STEP_LEASE_MS, BACKFILL_LATE_MS) + 60_000;
    await sim.cron();
    await sim.drain();
    const after = await sim.progress(t.tenantId);
    expect(after).toMatchObject({ status: "done", read: seeded.length, queued: seeded.length, written: seeded.length, failed: 0 });
    const w = await written(t);
    expect(w.conversations.sort()).toEqual(seeded.map((c) => c.id).sort());
    expect(w.distinct).toBe(seeded.length);
    expect(w.leads).toBe(seeded.filter((c) => c.visitor.email).length);
  });

  it("run twice, creates nothing twice and costs no Salesforce call the second time", async () => {
    const t = await newSyncTenant({ mapping: BACKFILL_MAPPING });
    const seeded = await seedHistory(t, 2);
    const sim = new BackfillSim();
    await sim.start(t.tenantId, { from: "2026-01-01", to: "2026-03-15" });
    await sim.drain();
    const first = await written(t);
    const calls = await apiUsed(t.org);
    await sim.start(t.tenantId, { from: "2026-01-01", to: "2026-03-15" });
    await sim.drain();
    expect(await sim.progress(t.tenantId)).toMatchObject({ status: "done", read: seeded.length, known: seeded.length, queued: 0, written: 0 });
    expect(await written(t)).toEqual(first);
    expect(first.distinct).toBe(seeded.length);
    expect(await apiUsed(t.org)).toBe(calls);
  });

  it("leaves a conversation already synced live as it is: one Conversation record, origin live", async () => {
    const t = await newSyncTenant({ mapping: BACKFILL_MAPPING });
    const seeded = await seedHistory(t, 1);
    const live = seeded[1];
    if (!live) throw new Error("no conversation");
    const sim = new BackfillSim();
    const event = KnownEvent.parse({ ...fixtures.conversationClosed, eventId: crypto.randomUUID(), projectId: t.projectId, conversationId: live.id, visitorId: live.visitor.id });
    await sim.events([{ kind: "event", tenantId: t.tenantId, event, correlationId: null, deliveryId: null, receivedAt: new Date().toISOString() }]);
    await sim.drain();
    expect((await written(t)).conversations).toEqual([live.id]);
    await sim.start(t.tenantId, { from: "2026-01-01", to: "2026-03-15" });
    await sim.drain();
    const w = await written(t);
    expect(w.conversations.sort()).toEqual(seeded.map((c) => c.id).sort());
    expect(w.distinct).toBe(3);
    // The live visitor's Lead is the one the webhook's visitor id made: no second one.
    expect(w.leads).toBe(3);
    const origin = await env.DB.prepare(`SELECT origin, backfill_id FROM conversations WHERE tenant_id = ?1 AND conversation_id = ?2`).bind(t.tenantId, live.id).first();
    expect(origin).toEqual({ origin: "live", backfill_id: null });
    expect(await sim.progress(t.tenantId)).toMatchObject({ read: 3, known: 1, queued: 2, written: 2 });
  });
});
