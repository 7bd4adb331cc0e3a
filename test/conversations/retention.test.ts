// Retention of conversation rows: finished rows older than RETENTION_DAYS are deleted by the
// cron, the others kept; a late survey answer or transaction for a deleted row, or a backfill
// over it, is merged into the Conversation record Salesforce has (found by its external id): no second
// record, no second Lead, nothing the record held lost.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { KnownEvent } from "../../src/events/schema.ts";
import type { QueueMessage } from "../../src/queues.ts";
import { applyRetention } from "../../src/retention.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { admin } from "../helpers/admin.ts";
import { BACKFILL_MAPPING, BackfillSim } from "../helpers/backfill.ts";
import { seedConversation } from "../helpers/iadvize.ts";
import { records } from "../helpers/salesforce.ts";
import { Sim } from "../helpers/sim.ts";
import { newSyncTenant } from "../helpers/tenant.ts";
import type { SyncTenant } from "../helpers/tenant.ts";

const DAY = 86_400_000;
/** The virtual clock of the Sim tests starts in the past, so that the retention's "now" deletes no other test's rows (one D1 for all files). */
const PAST = Date.parse("2001-03-01T09:00:00Z");
const CONVERSATION = "iAdvize_Conversation__c";

async function row(tenantId: string, status: string, syncStatus: string, updatedAt: Date, extra: { backfillId?: string } = {}) {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    `INSERT INTO conversations (tenant_id, conversation_id, status, updated_at, sync_status, synced_at, backfill_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`,
  )
    .bind(tenantId, id, status, updatedAt.toISOString(), syncStatus, syncStatus === "synced" ? updatedAt.toISOString() : null, extra.backfillId ?? null)
    .run();
  return id;
}

const kept = async (tenantId: string, id: string) =>
  (await env.DB.prepare(`SELECT 1 AS x FROM conversations WHERE tenant_id = ?1 AND conversation_id = ?2`).bind(tenantId, id).first()) !== null;

async function backfill(tenantId: string, status: string) {
  const id = crypto.randomUUID();
  const at = new Date().toISOString();
  await env.DB.prepare(
    `INSERT INTO backfills (id, tenant_id, range_from, range_to, status, window_from, next_at, created_at, updated_at) VALUES (?1, ?2, '2026-01-01', '2026-02-01', ?3, '2026-01-01', ?4, ?4, ?4)`,
  )
    .bind(id, tenantId, status, at)
    .run();
  return id;
}

/** A conversation pushed, closed and answered (CSAT 5), as iAdvize's webhooks tell it, synced. */
async function syncedLive(sim: Sim, t: SyncTenant) {
  const seeded = await seedConversation({ projectId: t.projectId, visitor: { id: crypto.randomUUID(), firstName: "Jane", lastName: "Doe", email: null, phoneNumber: null, city: null, country: null, externalUserId: null } });
  const common = { projectId: t.projectId, conversationId: seeded.id };
  expect((await sim.webhook({ ...fixtures.conversationPushed, ...common, eventId: crypto.randomUUID(), visitorId: seeded.visitor.id })).status).toBe(200);
  expect((await sim.webhook({ ...fixtures.conversationClosed, ...common, eventId: crypto.randomUUID(), visitorId: seeded.visitor.id, operatorIds: [45012, 45013] })).status).toBe(200);
  expect((await sim.webhook({ ...fixtures.satisfactionAnswered, ...common, eventId: crypto.randomUUID(), customerSatisfaction: 5 })).status).toBe(200);
  await sim.deliver();
  const [record] = await records(t.org, CONVERSATION);
  expect(record).toMatchObject({ Conversation_Id__c: seeded.id, Visitor_Id__c: seeded.visitor.id, Satisfaction__c: "CSAT 5", CSAT__c: 5, Operators__c: "45012, 45013" });
  return { seeded, common, record: record as Record<string, unknown> };
}

describe("retention of conversation rows", { timeout: 120_000 }, () => {
  it("deletes finished rows (synced, failed) older than 90 days; keeps pending, syncing, never synced, recent, followed and running backfills' rows", async () => {
    // In the past: test files share one D1, and a later "now" would delete their rows too.
    const now = new Date("2001-01-01T00:00:00Z");
    const old = new Date(now.getTime() - 91 * DAY);
    const recent = new Date(now.getTime() - 89 * DAY);
    const t = `ha-${Math.floor(Math.random() * 1e9)}`;
    const gone = [await row(t, "closed", "synced", old), await row(t, "closed", "failed", old), await row(t, "closed", "synced", old, { backfillId: await backfill(t, "done") })];
    const stay = [
      await row(t, "closed", "pending", old),
      await row(t, "closed", "syncing", old),
      await row(t, "open", "none", old),
      await row(t, "closed", "synced", recent),
      await row(t, "closed", "synced", old, { backfillId: await backfill(t, "running") }),
    ];
    const followed = await row(t, "open", "synced", old);
    await env.DB.prepare(`INSERT INTO follow_ups (tenant_id, conversation_id, last_activity_at, started_at) VALUES (?1, ?2, ?3, ?3)`).bind(t, followed, old.toISOString()).run();
    stay.push(followed);
    const out = await applyRetention(env.DB, now, 90);
    expect(out.conversations).toBeGreaterThanOrEqual(gone.length);
    for (const id of gone) expect(await kept(t, id)).toBe(false);
    for (const id of stay) expect(await kept(t, id)).toBe(true);
  });

  it("a survey answered after the row was deleted is merged into the existing record: no second record or Lead, the visitor, operators and earlier answer kept", async () => {
    const sim = new Sim(PAST);
    const t = await newSyncTenant();
    const { seeded, common, record } = await syncedLive(sim, t);
    const leadsBefore = await records(t.org, "Lead");

    sim.t += 91 * DAY;
    expect((await applyRetention(env.DB, sim.now, 90)).conversations).toBeGreaterThanOrEqual(1);
    expect(await kept(t.tenantId, seeded.id)).toBe(false);
    // The admin's counts cover the conversations kept: the last RETENTION_DAYS days.
    const view = await (await admin("GET", `/tenants/${t.tenantId}`)).json<{ conversations: Record<string, number>; conversationsKeptDays: number }>();
    expect(view).toMatchObject({ conversationsKeptDays: 90, conversations: { synced: 0 } });

    // The NPS question answered late: the event carries that answer only.
    const { customerSatisfaction: _, ...survey } = fixtures.satisfactionAnswered;
    expect((await sim.webhook({ ...survey, ...common, eventId: crypto.randomUUID(), netPromoterScore: 9, createdAt: sim.now.toISOString() })).status).toBe(200);
    await sim.deliver();

    const all = await records(t.org, CONVERSATION);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      Id: record.Id,
      Visitor_Id__c: seeded.visitor.id,
      Operators__c: "45012, 45013",
      Lead__c: record.Lead__c,
      CSAT__c: 5,
      NPS__c: 9,
      Satisfaction__c: "CSAT 5; NPS 9",
    });
    expect(await records(t.org, "Lead")).toEqual(leadsBefore);
    const state = await env.DB.prepare(`SELECT sync_status, sf_match FROM conversations WHERE tenant_id = ?1 AND conversation_id = ?2`).bind(t.tenantId, seeded.id).first();
    expect(state).toEqual({ sync_status: "synced", sf_match: "existing_record" });
  });

  it("a transaction attributed after the row was deleted is added to the existing record: listed once, total and count right, nothing else changed", async () => {
    const sim = new Sim(PAST);
    const t = await newSyncTenant();
    const { seeded, common, record } = await syncedLive(sim, t);
    const tx = (transactionId: string, amount: number, receivedAt: string) => ({ ...fixtures.transactionAttributed, ...common, eventId: crypto.randomUUID(), transactionId, externalId: `ORDER-${transactionId}`, amount, source: "Onsite", receivedAt });
    expect((await sim.webhook(tx("tx-1", 100.1, "2026-11-20T10:00:00.000Z"))).status).toBe(200);
    await sim.deliver();
    expect((await records(t.org, CONVERSATION))[0]).toMatchObject({ Transaction_Count__c: 1, Transaction_Total__c: 100.1 });
    const leadsBefore = await records(t.org, "Lead");

    sim.t += 91 * DAY;
    await applyRetention(env.DB, sim.now, 90);
    expect(await kept(t.tenantId, seeded.id)).toBe(false);
    const late = tx("tx-2", 200.2, "2026-11-22T10:00:00.000Z");
    expect((await sim.webhook(late)).status).toBe(200);
    await sim.deliver();
    // The same transaction again, under another event id: counted once.
    expect((await sim.webhook({ ...late, eventId: crypto.randomUUID() })).status).toBe(200);
    await sim.deliver();

    const all = await records(t.org, CONVERSATION);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ Id: record.Id, Visitor_Id__c: seeded.visitor.id, Operators__c: "45012, 45013", Satisfaction__c: "CSAT 5", Transaction_Count__c: 2, Transaction_Total__c: 300.3 });
    expect(all[0]?.Transactions__c).toBe(["2026-11-20T10:00:00.000Z | tx-1 | 100.10 | Onsite | ORDER-tx-1", "2026-11-22T10:00:00.000Z | tx-2 | 200.20 | Onsite | ORDER-tx-2"].join("\n"));
    expect(await records(t.org, "Lead")).toEqual(leadsBefore);
  });

  it("a backfill over a conversation synced live and deleted since leaves its record as it is: no second Lead, its visitor kept", async () => {
    const t = await newSyncTenant({ mapping: BACKFILL_MAPPING });
    const sim = new BackfillSim();
    sim.tenants.add(t.tenantId);
    const seeded = await seedConversation({ projectId: t.projectId, closedAt: "2026-01-05T10:30:00.000Z", createdAt: "2026-01-05T10:00:00.000Z", visitor: { id: crypto.randomUUID(), firstName: "Jane", lastName: "Doe", email: null, phoneNumber: "+33612345678", city: null, country: null, externalUserId: null } });
    const event = (e: object): QueueMessage => ({ kind: "event", tenantId: t.tenantId, event: KnownEvent.parse(e), correlationId: null, deliveryId: null, receivedAt: new Date(sim.t).toISOString() });
    await sim.events([event({ ...fixtures.conversationClosed, eventId: crypto.randomUUID(), projectId: t.projectId, conversationId: seeded.id, visitorId: seeded.visitor.id })]);
    await sim.drain();
    const [before] = await records(t.org, CONVERSATION);
    expect(before).toMatchObject({ Visitor_Id__c: seeded.visitor.id });
    const leads = await records(t.org, "Lead");
    expect(leads).toHaveLength(1);

    // The retention's deletion, as it deletes a finished row (its selection is the first test's):
    // this world's clock follows the real one, and a "now" 91 days ahead would delete other files' rows.
    await env.DB.prepare(`DELETE FROM conversations WHERE tenant_id = ?1 AND conversation_id = ?2 AND sync_status = 'synced'`).bind(t.tenantId, seeded.id).run();
    expect(await kept(t.tenantId, seeded.id)).toBe(false);
    await sim.start(t.tenantId, { from: "2026-01-01", to: "2026-01-10" });
    await sim.drain();

    const after = await records(t.org, CONVERSATION);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ Id: before?.Id, Visitor_Id__c: seeded.visitor.id, Lead__c: before?.Lead__c });
    expect(await records(t.org, "Lead")).toEqual(leads);
  });
});
