// End to end, as in production: signed webhooks in, through both queues, records out of
// the emulated Salesforce; and the admin view of what it cost.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { admin } from "../helpers/admin.ts";
import { apiUsed, records } from "../helpers/salesforce.ts";
import { newSyncTenant } from "../helpers/tenant.ts";
import { seedConversation } from "../helpers/iadvize.ts";
import { waitFor } from "../helpers/wait.ts";
import { fresh, sendEvent } from "../helpers/webhook.ts";

describe("webhook to Salesforce", () => {
  it("a closed conversation becomes a Lead and a Conversation record, once, whatever iAdvize retries", async () => {
    const t = await newSyncTenant();
    const seeded = await seedConversation({ projectId: t.projectId, visitor: { ...fixturesVisitor(), id: crypto.randomUUID() } });
    const common = { projectId: t.projectId, conversationId: seeded.id, visitorId: seeded.visitor.id };
    const closed = fresh(fixtures.conversationClosed, common);
    expect((await sendEvent(fresh(fixtures.conversationPushed, common))).status).toBe(200);
    expect((await sendEvent(closed)).status).toBe(200);
    expect((await sendEvent(closed)).status).toBe(200); // a retry of the same delivery

    const state = await waitFor(
      () => env.DB.prepare("SELECT sync_status, sf_lead_id FROM conversations WHERE tenant_id = ? AND conversation_id = ? AND sync_status = 'synced'").bind(t.tenantId, seeded.id).first<{ sf_lead_id: string }>(),
      { timeoutMs: 30_000, what: "the conversation synced" },
    );
    const leads = await records(t.org, "Lead");
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ Id: state.sf_lead_id, Vehicle__c: "The new Zoe\nin blue if possible", Engine__c: "Electric" });
    expect(await records(t.org, "iAdvize_Conversation__c")).toHaveLength(1);
    expect(await apiUsed(t.org)).toBe(2);

    const view = await (await admin("GET", `/tenants/${t.tenantId}`)).json<{ conversations: Record<string, number>; salesforceUsage: { calls: number; conversations: number; callsPerConversation: number; orgApiUsed: number }[] }>();
    expect(view.conversations.synced).toBe(1);
    expect(view.salesforceUsage[0]).toMatchObject({ calls: 2, conversations: 1, callsPerConversation: 2, orgApiUsed: 2 });
  });

  it("a survey answered after the close updates the Conversation record", async () => {
    const t = await newSyncTenant();
    const seeded = await seedConversation({ projectId: t.projectId, visitor: { ...fixturesVisitor(), id: crypto.randomUUID() } });
    const common = { projectId: t.projectId, conversationId: seeded.id };
    await sendEvent(fresh(fixtures.conversationClosed, { ...common, visitorId: seeded.visitor.id }));
    await waitFor(async () => (await records(t.org, "iAdvize_Conversation__c")).length === 1, { timeoutMs: 30_000, what: "first sync" });
    await sendEvent({ ...fresh(fixtures.satisfactionAnswered, common), netPromoterScore: 9 });
    const [record] = await waitFor(async () => {
      const all = await records(t.org, "iAdvize_Conversation__c");
      return all[0]?.Satisfaction__c ? all : null;
    }, { timeoutMs: 30_000, what: "the survey on the record" });
    expect(record?.Satisfaction__c).toBe("CSAT 5; NPS 9");
    expect(await records(t.org, "Lead")).toHaveLength(1);
  });

  it("a re-drive brings failed conversations back", async () => {
    const t = await newSyncTenant();
    await env.DB.prepare(
      `INSERT INTO conversations (tenant_id, conversation_id, status, updated_at, sync_status, sync_error) VALUES (?1, ?2, 'closed', ?3, 'failed', '{"code":"x"}')`,
    )
      .bind(t.tenantId, crypto.randomUUID(), new Date().toISOString())
      .run();
    const res = await admin("POST", `/tenants/${t.tenantId}/redrive`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ redriven: { events: 0, conversations: 1 } });
  });
});

function fixturesVisitor() {
  return { firstName: "Jane", lastName: "Doe", email: null, phoneNumber: null, city: "Nantes", country: "FR", externalUserId: null };
}
