// A dry run reads iAdvize only and says what the real run would do and cost; the real run
// then costs exactly the Salesforce calls it announced. A live schema that refuses the
// guessed closedConversations arguments holds the backfill, which resumes once it accepts them.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BACKFILL_MAPPING, BackfillSim, closedConversation } from "../helpers/backfill.ts";
import { setSchemaVariant } from "../helpers/iadvize.ts";
import { apiUsed, records, seedRecord } from "../helpers/salesforce.ts";
import { newSyncTenant } from "../helpers/tenant.ts";

const conversationsOf = (tenantId: string) => env.DB.prepare(`SELECT count(*) AS n FROM conversations WHERE tenant_id = ?1`).bind(tenantId).first<number>("n");

describe("backfill dry run", { timeout: 180_000 }, () => {
  it("estimates the conversations, the Leads and the Salesforce calls, and the real run costs exactly those calls", async () => {
    const t = await newSyncTenant({ mapping: BACKFILL_MAPPING });
    // 110 in one week (three pages), 6 in another; one in four without an email.
    const start = Date.parse("2026-02-02T00:00:00Z");
    for (let i = 0; i < 110; i++) await closedConversation(t, new Date(start + i * 60_000).toISOString(), i % 4 === 0 ? { email: null } : {});
    for (let i = 0; i < 6; i++) await closedConversation(t, new Date(Date.parse("2026-02-20T00:00:00Z") + i * 60_000).toISOString(), i === 0 ? { email: null } : {});
    const sim = new BackfillSim();
    await sim.start(t.tenantId, { from: "2026-02-01", to: "2026-03-01", dryRun: true });
    await sim.drain();
    const dry = await sim.progress(t.tenantId);
    expect(dry).toMatchObject({ status: "done", dryRun: true, read: 116, written: 0 });
    // Two steps (100 conversations, then 16), two sync batches of three calls: the read (with
    // the describes, the first time), the new Leads with their conversations, the
    // conversations without a Lead.
    expect(dry.estimate).toEqual({ conversations: 116, wouldCreateLead: 116 - 28 - 1, salesforceCalls: 6, salesforceCallsAtMost: 6, unreadable: 0 });
    // Nothing written anywhere: no conversation in D1, no Salesforce call.
    expect(await conversationsOf(t.tenantId)).toBe(0);
    expect(await apiUsed(t.org)).toBe(0);

    await sim.start(t.tenantId, { from: "2026-02-01", to: "2026-03-01" });
    await sim.drain();
    expect(await sim.progress(t.tenantId)).toMatchObject({ status: "done", read: 116, written: 116, failed: 0 });
    expect(await apiUsed(t.org)).toBe(dry.estimate?.salesforceCalls);
    expect(await records(t.org, "Lead")).toHaveLength(dry.estimate?.wouldCreateLead ?? -1);
  });

  it("counts the conversations the connector knows already as known, not as work to do", async () => {
    const t = await newSyncTenant({ mapping: BACKFILL_MAPPING });
    for (let i = 0; i < 3; i++) await closedConversation(t, new Date(Date.parse("2026-02-02T00:00:00Z") + i * 60_000).toISOString());
    const sim = new BackfillSim();
    await sim.start(t.tenantId, { from: "2026-02-01", to: "2026-03-01" });
    await sim.drain();
    await closedConversation(t, "2026-02-10T00:00:00Z");
    await sim.start(t.tenantId, { from: "2026-02-01", to: "2026-03-01", dryRun: true });
    await sim.drain();
    const dry = await sim.progress(t.tenantId);
    expect(dry).toMatchObject({ status: "done", dryRun: true, read: 4, known: 3, queued: 1 });
    expect(dry.estimate).toMatchObject({ conversations: 1, wouldCreateLead: 1 });
  });

  it("says what the calls may grow to when some visitors are in Salesforce already, and the real run stays within it", async () => {
    const t = await newSyncTenant({ mapping: BACKFILL_MAPPING });
    const seeded = [];
    for (let i = 0; i < 5; i++) seeded.push(await closedConversation(t, new Date(Date.parse("2026-04-06T00:00:00Z") + i * 60_000).toISOString()));
    const known = seeded[2]?.visitor.email ?? "";
    await seedRecord(t.org, "Lead", { LastName: "Known", Company: "Acme", Email: known });
    const sim = new BackfillSim();
    await sim.start(t.tenantId, { from: "2026-04-06", to: "2026-04-13", dryRun: true });
    await sim.drain();
    const dry = await sim.progress(t.tenantId);
    // If all five were new: the read and one write; with one of them known, the second write too.
    expect(dry.estimate).toEqual({ conversations: 5, wouldCreateLead: 5, salesforceCalls: 2, salesforceCallsAtMost: 3, unreadable: 0 });
    const before = await apiUsed(t.org);
    await sim.start(t.tenantId, { from: "2026-04-06", to: "2026-04-13" });
    await sim.drain();
    expect(await apiUsed(t.org)).toBe(before + 3);
    expect(await records(t.org, "Lead")).toHaveLength(5);
  });

  it("holds, not fails, when the live schema refuses the closedConversations arguments, and resumes once it accepts them", async () => {
    const t = await newSyncTenant({ mapping: BACKFILL_MAPPING });
    const seeded = [await closedConversation(t, "2026-01-05T00:00:00.000Z"), await closedConversation(t, "2026-01-25T00:00:00.000Z")];
    await setSchemaVariant(t.iadvizeUser.username, { renameArguments: { "Query.closedConversations(interval)": "period" } });
    const sim = new BackfillSim();
    await sim.start(t.tenantId, { from: "2026-01-01", to: "2026-02-01" });
    await sim.deliverDue();
    const held = await sim.progress(t.tenantId);
    expect(held).toMatchObject({ status: "held", read: 0, failed: 0 });
    expect(held.hold?.reason).toBe("iadvize_schema_mismatch");
    expect(held.hold?.paths).toContain("Query.closedConversations(interval)");
    // The preflight names the same path, as it does for every operation.
    const check = (await (await sim.admin("POST", `/tenants/${t.tenantId}/check`)).json()) as { checks: { id: string; status: string; message: string }[] };
    const schema = check.checks.find((c) => c.id === "iadvize.schema");
    expect(schema?.status).toBe("failed");
    expect(schema?.message).toContain("Query.closedConversations(interval)");
    // Still held on the next try; nothing lost, nothing failed.
    sim.t = Date.parse(held.hold?.retryAt ?? "") + 1;
    await sim.deliverDue();
    expect(await sim.progress(t.tenantId)).toMatchObject({ status: "held", read: 0, failed: 0 });

    await setSchemaVariant(t.iadvizeUser.username, null);
    await sim.drain();
    expect(await sim.progress(t.tenantId)).toMatchObject({ status: "done", read: 2, written: 2, failed: 0, hold: null });
    expect((await records(t.org, "iAdvize_Conversation__c")).map((r) => r.Conversation_Id__c).sort()).toEqual(seeded.map((c) => c.id).sort());
  });
});
