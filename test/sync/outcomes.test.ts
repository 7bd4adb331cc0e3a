// Survey answers and attributed transactions on the Conversation record, as in
// production: signed webhooks in, both queues, records out of the emulated Salesforce.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CAR_DEALER } from "../emulators/iadvize/seed.ts";
import { CUSTOMER_FIELDS, DEMO_MAPPING } from "../emulators/salesforce/seed.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { seedConversation } from "../helpers/iadvize.ts";
import { apiUsed, records } from "../helpers/salesforce.ts";
import { newSyncTenant } from "../helpers/tenant.ts";
import type { SyncTenant } from "../helpers/tenant.ts";
import { waitFor } from "../helpers/wait.ts";
import { fresh, sendEvent } from "../helpers/webhook.ts";

const CONVERSATION = "iAdvize_Conversation__c";

/** A conversation closed through the webhook and synced once; its ids. */
async function closedAndSynced(t: SyncTenant) {
  const seeded = await seedConversation({ projectId: t.projectId, visitor: { ...CAR_DEALER.visitor, id: crypto.randomUUID() } });
  const common = { projectId: t.projectId, conversationId: seeded.id };
  expect((await sendEvent(fresh(fixtures.conversationClosed, { ...common, visitorId: seeded.visitor.id }))).status).toBe(200);
  const [record] = await waitFor(async () => {
    const all = await records(t.org, CONVERSATION);
    return all.length === 1 ? all : null;
  }, { timeoutMs: 30_000, what: "the first sync" });
  return { common, recordId: record?.Id };
}

/** Every event sent was processed, and the conversation's sync settled (nothing pending or under way). */
async function settled(t: SyncTenant, conversationId: string, eventIds: readonly string[]) {
  await waitFor(async () => {
    const events = await env.DB.prepare(`SELECT COUNT(*) AS n FROM events WHERE status = 'processed' AND event_id IN (SELECT value FROM json_each(?1))`)
      .bind(JSON.stringify(eventIds))
      .first<number>("n");
    const state = await env.DB.prepare(`SELECT sync_status FROM conversations WHERE tenant_id = ?1 AND conversation_id = ?2`).bind(t.tenantId, conversationId).first<string>("sync_status");
    return events === eventIds.length && state === "synced";
  }, { timeoutMs: 30_000, what: "the events processed and the sync settled" });
}

describe("survey answers on the Conversation record", { timeout: 60_000 }, () => {
  it("keeps the latest answer of each kind in typed fields, whatever order the clicks arrive in", async () => {
    const t = await newSyncTenant();
    const { common, recordId } = await closedAndSynced(t);
    const at = (minute: number) => `2026-11-20T09:${String(30 + minute).padStart(2, "0")}:00.000Z`;
    const clicks = [
      fresh(fixtures.satisfactionAnswered, { ...common, customerSatisfaction: 3, createdAt: at(1) }),
      { ...fresh(fixtures.satisfactionAnswered, { ...common, createdAt: at(2) }), customerSatisfaction: undefined, netPromoterScore: 9 },
      { ...fresh(fixtures.satisfactionAnswered, { ...common, createdAt: at(3) }), customerSatisfaction: undefined, satisfactionComment: "Quick and clear, thanks" },
      fresh(fixtures.satisfactionAnswered, { ...common, customerSatisfaction: 5, createdAt: at(4) }),
    ];
    for (const click of clicks) expect((await sendEvent(click)).status).toBe(200);
    // A click made before the others, delivered last (a webhook retry): it changes nothing.
    const stale = fresh(fixtures.satisfactionAnswered, { ...common, customerSatisfaction: 1, createdAt: at(0) });
    await settled(t, common.conversationId, clicks.map((c) => c.eventId));
    expect((await sendEvent(stale)).status).toBe(200);
    await settled(t, common.conversationId, [...clicks, stale].map((c) => c.eventId));

    const all = await records(t.org, CONVERSATION);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ Id: recordId, CSAT__c: 5, NPS__c: 9, Satisfaction_Comment__c: "Quick and clear, thanks" });
    expect(typeof all[0]?.CSAT__c).toBe("number");
    expect(await records(t.org, "Lead")).toHaveLength(1);
  });

  it("a satisfaction arriving after the sync updates the same record with one more write", async () => {
    const t = await newSyncTenant();
    const { common, recordId } = await closedAndSynced(t);
    const before = await env.DB.prepare(`SELECT synced_hash FROM conversations WHERE tenant_id = ?1 AND conversation_id = ?2`).bind(t.tenantId, common.conversationId).first<string>("synced_hash");
    const callsBefore = await apiUsed(t.org);
    const nps = { ...fresh(fixtures.satisfactionAnswered, common), customerSatisfaction: undefined, netPromoterScore: 7 };
    expect((await sendEvent(nps)).status).toBe(200);
    const [record] = await waitFor(async () => {
      const all = await records(t.org, CONVERSATION);
      return all[0]?.NPS__c === 7 ? all : null;
    }, { timeoutMs: 30_000, what: "the NPS on the record" });
    await settled(t, common.conversationId, [nps.eventId]);
    expect(record?.Id).toBe(recordId);
    expect(await records(t.org, CONVERSATION)).toHaveLength(1);
    const after = await env.DB.prepare(`SELECT synced_hash FROM conversations WHERE tenant_id = ?1 AND conversation_id = ?2`).bind(t.tenantId, common.conversationId).first<string>("synced_hash");
    expect(after).not.toBe(before);
    // One read composite and one write composite, as for the first sync.
    expect((await apiUsed(t.org)) - callsBefore).toBe(2);
  });
});

describe("attributed transactions on the records", { timeout: 60_000 }, () => {
  it("lists each transaction once with its total and count, and sends the latest amount to the mapped Lead field", async () => {
    const t = await newSyncTenant({
      org: { extraFields: { Lead: [...(CUSTOMER_FIELDS.Lead ?? []), { name: "Last_Order_Amount__c", type: "currency", createable: true, updateable: true, nillable: true }] } },
      mapping: { ...DEMO_MAPPING, "transaction.latestAmount": { object: "Lead", field: "Last_Order_Amount__c", overwrite: true } },
    });
    const { common, recordId } = await closedAndSynced(t);
    const onsite = fresh(fixtures.transactionAttributed, { ...common, transactionId: "tx-1", externalId: "ORDER-1", amount: 100.1, source: "Onsite", receivedAt: "2026-11-20T10:00:00.000Z" });
    const offsite = fresh(fixtures.transactionAttributed, { ...common, transactionId: "tx-2", externalId: "ORDER-2", amount: 200.2, source: "Offsite", receivedAt: "2026-11-21T08:00:00.000Z" });
    // The same transaction again under another event id: counted once.
    const again = fresh(fixtures.transactionAttributed, { ...common, transactionId: "tx-1", externalId: "ORDER-1", amount: 100.1, source: "Onsite", receivedAt: "2026-11-20T10:00:00.000Z" });
    for (const e of [offsite, onsite, again]) expect((await sendEvent(e)).status).toBe(200);
    await settled(t, common.conversationId, [offsite, onsite, again].map((e) => e.eventId));

    const all = await records(t.org, CONVERSATION);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ Id: recordId, Transaction_Total__c: 300.3, Transaction_Count__c: 2 });
    expect(all[0]?.Transactions__c).toBe(
      ["2026-11-20T10:00:00.000Z | tx-1 | 100.10 | Onsite | ORDER-1", "2026-11-21T08:00:00.000Z | tx-2 | 200.20 | Offsite | ORDER-2"].join("\n"),
    );
    const leads = await records(t.org, "Lead");
    expect(leads).toHaveLength(1);
    expect(leads[0]?.Last_Order_Amount__c).toBe(200.2);
  });
  it("orders transactions by their instant whatever offset iAdvize writes it with: the latest amount is the latest one", async () => {
    const t = await newSyncTenant({
      org: { extraFields: { Lead: [...(CUSTOMER_FIELDS.Lead ?? []), { name: "Last_Order_Amount__c", type: "currency", createable: true, updateable: true, nillable: true }] } },
      mapping: { ...DEMO_MAPPING, "transaction.latestAmount": { object: "Lead", field: "Last_Order_Amount__c", overwrite: true } },
    });
    const { common } = await closedAndSynced(t);
    // 09:00 in Paris summer time is 07:00 UTC: before the 08:00 UTC one, though it sorts after it as text.
    const early = fresh(fixtures.transactionAttributed, { ...common, transactionId: "tx-a", externalId: "", amount: 10, source: "Onsite", receivedAt: "2026-11-21T09:00:00+02:00" });
    const late = fresh(fixtures.transactionAttributed, { ...common, transactionId: "tx-b", externalId: "", amount: 20, source: "Onsite", receivedAt: "2026-11-21T08:00:00.000Z" });
    for (const e of [early, late]) expect((await sendEvent(e)).status).toBe(200);
    await settled(t, common.conversationId, [early, late].map((e) => e.eventId));
    const [conversation] = await records(t.org, CONVERSATION);
    expect(conversation?.Transactions__c).toBe(["2026-11-21T07:00:00.000Z | tx-a | 10.00 | Onsite", "2026-11-21T08:00:00.000Z | tx-b | 20.00 | Onsite"].join("\n"));
    expect((await records(t.org, "Lead"))[0]?.Last_Order_Amount__c).toBe(20);
  });
});
