// The backfill admin routes against a hostile or careless client: two starts at once, a range of centuries, a conversation known only by a late event.
import { describe, expect, it } from "vitest";
import { BACKFILL_MAX_DAYS } from "../../src/backfill/range.ts";
import { KnownEvent } from "../../src/events/schema.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { BACKFILL_MAPPING, BackfillSim, closedConversation } from "../helpers/backfill.ts";
import { records } from "../helpers/salesforce.ts";
import { newSyncTenant } from "../helpers/tenant.ts";

describe("backfill: hostile requests", { timeout: 120_000 }, () => {
  it("starts one backfill of two asked for at once; the other is a 409", async () => {
    const t = await newSyncTenant({ mapping: BACKFILL_MAPPING });
    const sim = new BackfillSim();
    const both = await Promise.all([0, 1].map(() => sim.admin("POST", `/tenants/${t.tenantId}/backfill`, { from: "2026-01-01", to: "2026-02-01" })));
    expect(both.map((r) => r.status).sort()).toEqual([202, 409]);
  });
  it("refuses a range longer than BACKFILL_MAX_DAYS with a 400 naming the bound; takes one of exactly that length", async () => {
    const t = await newSyncTenant({ mapping: BACKFILL_MAPPING });
    const sim = new BackfillSim();
    const refused = await sim.admin("POST", `/tenants/${t.tenantId}/backfill`, { from: "0000-01-01", to: "2026-11-01" });
    expect(refused.status).toBe(400);
    const body = await refused.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.message).toMatch(/at most 731 days \(2 years\)/);
    const to = new Date(Date.now() - 86_400_000);
    const longer = await sim.admin("POST", `/tenants/${t.tenantId}/backfill`, { from: new Date(to.getTime() - (BACKFILL_MAX_DAYS + 1) * 86_400_000).toISOString(), to: to.toISOString() });
    expect(longer.status).toBe(400);
    const exact = await sim.admin("POST", `/tenants/${t.tenantId}/backfill`, { from: new Date(to.getTime() - BACKFILL_MAX_DAYS * 86_400_000).toISOString(), to: to.toISOString(), dryRun: true });
    expect(exact.status).toBe(202);
    await sim.admin("DELETE", `/tenants/${t.tenantId}/backfill`);
  });
  it("writes a conversation closed before the connector that only a transaction or survey answer made known", async () => {
    const t = await newSyncTenant({ mapping: BACKFILL_MAPPING });
    const old = await closedConversation(t, "2026-01-05T10:00:00.000Z");
    const sim = new BackfillSim();
    // Attributed after the close, received before the backfill: no close event will ever come.
    const event = KnownEvent.parse({ ...fixtures.transactionAttributed, eventId: crypto.randomUUID(), projectId: t.projectId, conversationId: old.id, transactionId: "tx-old", externalId: "", amount: 42, source: "Onsite", receivedAt: "2026-01-06T10:00:00Z" });
    await sim.events([{ kind: "event", tenantId: t.tenantId, event, correlationId: null, deliveryId: null, receivedAt: new Date().toISOString() }]);
    await sim.drain();
    await sim.start(t.tenantId, { from: "2026-01-01", to: "2026-01-10" });
    await sim.drain();
    const written = await records(t.org, "iAdvize_Conversation__c");
    expect(written.map((r) => r.Conversation_Id__c)).toEqual([old.id]);
    expect(written[0]).toMatchObject({ Transaction_Count__c: 1, Transaction_Total__c: 42 });
    expect(await sim.progress(t.tenantId)).toMatchObject({ status: "done", read: 1, known: 0, queued: 1, written: 1 });
  });
});
