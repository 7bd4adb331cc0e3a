// A sync run against the emulated iAdvize and Salesforce: each matching branch, the API
// calls it costs, idempotence, and rejected values that do not sink the batch.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { checkConfig } from "../../src/env.ts";
import type { Config } from "../../src/env.ts";
import { syncTenant } from "../../src/sync/crm-sync.ts";
import { ASSIGNMENT_QUEUE, INTEGRATION_USER } from "../emulators/salesforce/org.ts";
import { apiUsed, records, seedRecord } from "../helpers/salesforce.ts";
import { newSyncTenant, pendingConversation, syncState } from "../helpers/tenant.ts";
import type { SyncTenant } from "../helpers/tenant.ts";

function config(): Config {
  const checked = checkConfig({ ...env });
  if (!checked.ok) throw new Error(checked.problems.join());
  return checked.config;
}

const run = (t: SyncTenant) => syncTenant(env.DB, config(), t.tenantId);

async function leadOf(t: SyncTenant, id: string | null | undefined) {
  return (await records(t.org, "Lead")).find((l) => l.Id === id);
}

describe("sync: a new visitor", () => {
  it("creates a Lead through the assignment rules, with the mapped answers, and its Conversation, in 2 API calls", async () => {
    const t = await newSyncTenant();
    const c = await pendingConversation(t);
    const result = await run(t);
    expect(result).toMatchObject({ kind: "done", synced: 1, failed: 0 });
    expect(await apiUsed(t.org)).toBe(2);

    const state = await syncState(t, c.id);
    expect(state).toMatchObject({ sync_status: "synced", sf_match: "new_lead" });
    const lead = await leadOf(t, state?.sf_lead_id);
    expect(lead).toMatchObject({
      Email: "jane.doe@example.com",
      FirstName: "Jane",
      LastName: "Doe",
      Company: "[not provided]",
      LeadSource: "iAdvize",
      Vehicle__c: "The new Zoe\nin blue if possible",
      Engine__c: "Electric",
      iAdvize_Visitor_Id__c: c.visitor.id,
      OwnerId: ASSIGNMENT_QUEUE,
    });
    expect(lead?.Test_Drive__c).toBeUndefined(); // Q3 was not answered

    const [conversation] = (await records(t.org, "iAdvize_Conversation__c")).filter((r) => r.Conversation_Id__c === c.id);
    expect(conversation).toMatchObject({ Lead__c: lead?.Id, Project__c: t.tenantId, Channel__c: "CHAT", Unanswered__c: "Q3", Operators__c: "45012" });
    expect(String(conversation?.Transcript__c)).toContain("Visitor: in blue if possible");
    expect(JSON.parse(String(conversation?.Answers__c))).toMatchObject({ Q2: { answer: "electric" } });
    expect(state?.sf_conversation_id).toBe(conversation?.Id);
  });

  it("syncing the same conversation again changes nothing and costs no call", async () => {
    const t = await newSyncTenant();
    const c = await pendingConversation(t);
    await run(t);
    const calls = await apiUsed(t.org);
    await env.DB.prepare("UPDATE conversations SET sync_status = 'pending', sync_due_at = updated_at WHERE conversation_id = ?").bind(c.id).run();
    expect(await run(t)).toMatchObject({ kind: "done", synced: 0, unchanged: 1 });
    expect(await apiUsed(t.org)).toBe(calls);
    expect(await records(t.org, "Lead")).toHaveLength(1);
    expect(await records(t.org, "iAdvize_Conversation__c")).toHaveLength(1);
  });

  it("writes a batch of conversations in 3 API calls, one Lead per person", async () => {
    const t = await newSyncTenant();
    const visitors = Array.from({ length: 30 }, (_, i) => i);
    const seeded = [];
    for (const i of visitors) {
      seeded.push(
        await pendingConversation(t, {
          messages: [
            { role: "bot", text: "[](Q4) Your email?", createdAt: "2026-11-20T09:00:00Z" },
            { role: "visitor", text: `visitor${i % 20}@example.com`, createdAt: "2026-11-20T09:00:05Z" },
            { role: "operator", text: "[](Q1) Which car?", createdAt: "2026-11-20T09:00:10Z" },
            { role: "visitor", text: `Car ${i}`, createdAt: "2026-11-20T09:00:15Z" },
          ],
        }),
      );
    }
    // Two of them already have a Lead in Salesforce.
    await seedRecord(t.org, "Lead", { LastName: "Known", Company: "Acme", Email: "visitor1@example.com", OwnerId: "005OWNER" });
    await seedRecord(t.org, "Lead", { LastName: "Known", Company: "Acme", Email: "visitor2@example.com", OwnerId: "005OWNER" });
    expect(await run(t)).toMatchObject({ kind: "done", synced: 30 });
    expect(await apiUsed(t.org)).toBe(3);
    const leads = await records(t.org, "Lead");
    expect(leads).toHaveLength(20);
    // Updated Leads keep their owner: the updates went with Sforce-Auto-Assign: FALSE.
    expect(leads.filter((l) => l.OwnerId === "005OWNER")).toHaveLength(2);
    expect(await records(t.org, "iAdvize_Conversation__c")).toHaveLength(30);
    for (const c of seeded) expect((await syncState(t, c.id))?.sync_status).toBe("synced");
  });
});

describe("sync: matching", () => {
  it("links to a Contact with the visitor's email and creates no Lead", async () => {
    const t = await newSyncTenant();
    const contact = await seedRecord(t.org, "Contact", { LastName: "Doe", Email: "JANE.DOE@example.com" });
    const c = await pendingConversation(t);
    await run(t);
    expect(await syncState(t, c.id)).toMatchObject({ sync_status: "synced", sf_match: "contact", sf_contact_id: contact.Id, sf_lead_id: null });
    expect(await records(t.org, "Lead")).toHaveLength(0);
    expect((await records(t.org, "iAdvize_Conversation__c"))[0]).toMatchObject({ Contact__c: contact.Id });
  });

  it("updates the Lead found by email: fills empty fields, overwrites only where told, keeps its owner", async () => {
    const t = await newSyncTenant({
      mapping: { Q1: { object: "Lead", field: "Vehicle__c" }, Q2: { object: "Lead", field: "Engine__c", overwrite: true }, Q4: { object: "Lead", field: "Email" } },
    });
    const lead = await seedRecord(t.org, "Lead", { LastName: "Doe", Company: "Doe SARL", Email: "jane.doe@example.com", Vehicle__c: "Clio", Engine__c: "Petrol", OwnerId: "005SALESREP" });
    const c = await pendingConversation(t);
    await run(t);
    expect(await syncState(t, c.id)).toMatchObject({ sync_status: "synced", sf_match: "lead", sf_lead_id: lead.Id });
    expect(await leadOf(t, lead.Id)).toMatchObject({ Vehicle__c: "Clio", Engine__c: "Electric", OwnerId: "005SALESREP", iAdvize_Visitor_Id__c: c.visitor.id, Company: "Doe SARL" });
    expect(await apiUsed(t.org)).toBe(2);
  });

  it("finds the Lead by visitor id when the visitor gave no email this time", async () => {
    const t = await newSyncTenant();
    const visitorId = crypto.randomUUID();
    const lead = await seedRecord(t.org, "Lead", { LastName: "Doe", Company: "X", iAdvize_Visitor_Id__c: visitorId, OwnerId: "005SALESREP" });
    const c = await pendingConversation(t, {
      visitor: { id: visitorId, firstName: null, lastName: null, email: null, phoneNumber: null, city: null, country: null, externalUserId: null },
      messages: [{ role: "operator", text: "[](Q1) Which car?", createdAt: "2026-11-20T09:00:00Z" }, { role: "visitor", text: "Megane", createdAt: "2026-11-20T09:00:04Z" }],
    });
    await env.DB.prepare("UPDATE conversations SET visitor_id = ? WHERE conversation_id = ?").bind(visitorId, c.id).run();
    await run(t);
    expect(await syncState(t, c.id)).toMatchObject({ sf_match: "lead", sf_lead_id: lead.Id });
    expect(await leadOf(t, lead.Id)).toMatchObject({ Vehicle__c: "Megane", OwnerId: "005SALESREP" });
  });

  it("links a converted Lead's conversation to its Contact", async () => {
    const t = await newSyncTenant();
    const contact = await seedRecord(t.org, "Contact", { LastName: "Doe", Email: "jane@other.example" });
    await seedRecord(t.org, "Lead", { LastName: "Doe", Company: "X", Email: "jane.doe@example.com", IsConverted: true, ConvertedContactId: contact.Id });
    const c = await pendingConversation(t);
    await run(t);
    expect(await syncState(t, c.id)).toMatchObject({ sf_match: "converted_lead", sf_contact_id: contact.Id });
    expect(await records(t.org, "Lead")).toHaveLength(1);
  });

  it("creates no Lead for a visitor with neither email nor phone, and still writes the conversation", async () => {
    const t = await newSyncTenant({ mapping: { Q1: { object: "Lead", field: "Vehicle__c" } } });
    const c = await pendingConversation(t, {
      messages: [{ role: "operator", text: "[](Q1) Which car?", createdAt: "2026-11-20T09:00:00Z" }, { role: "visitor", text: "Zoe", createdAt: "2026-11-20T09:00:04Z" }],
    });
    await run(t);
    expect(await syncState(t, c.id)).toMatchObject({ sync_status: "synced", sf_match: "no_contact_details", sf_lead_id: null });
    expect(await records(t.org, "Lead")).toHaveLength(0);
    const [conversation] = await records(t.org, "iAdvize_Conversation__c");
    expect(conversation?.Lead__c).toBeUndefined();
  });

  it("attaches the conversation to the record a blocking duplicate rule names", async () => {
    const t = await newSyncTenant({ org: { duplicateRule: { object: "Lead", fields: ["LastName", "FirstName"], action: "Block", matchRecords: true } } });
    const existing = await seedRecord(t.org, "Lead", { FirstName: "Jane", LastName: "Doe", Company: "Elsewhere", Email: "jane@elsewhere.example" });
    const c = await pendingConversation(t);
    await run(t);
    const state = await syncState(t, c.id);
    expect(state).toMatchObject({ sync_status: "synced", sf_match: "lead", sf_lead_id: existing.Id });
    expect(JSON.parse(state?.sync_warnings ?? "[]")).toContainEqual({ code: "attached_to_duplicate" });
    expect(await records(t.org, "Lead")).toHaveLength(1);
    expect((await records(t.org, "iAdvize_Conversation__c"))[0]).toMatchObject({ Lead__c: existing.Id });
  });
});

describe("sync: rejected values", () => {
  it("reports a value that does not fit and writes the rest", async () => {
    const t = await newSyncTenant();
    const c = await pendingConversation(t, {
      messages: [
        { role: "bot", text: "[](Q4) Email?", createdAt: "2026-11-20T09:00:00Z" },
        { role: "visitor", text: "jd@example.com", createdAt: "2026-11-20T09:00:02Z" },
        { role: "operator", text: "[](Q2) Engine?", createdAt: "2026-11-20T09:00:05Z" },
        { role: "visitor", text: "diesel", createdAt: "2026-11-20T09:00:09Z" },
      ],
    });
    await run(t);
    const state = await syncState(t, c.id);
    expect(state?.sync_status).toBe("synced");
    expect(JSON.parse(state?.sync_warnings ?? "[]")).toContainEqual({ code: "not_a_picklist_value", tag: "Q2", field: "Engine__c" });
    expect((await leadOf(t, state?.sf_lead_id))?.Engine__c).toBeUndefined();
  });

  it("a validation rule refusing one Lead does not sink the others", async () => {
    const t = await newSyncTenant({ org: { validationRule: { object: "Lead", field: "LastName", equals: "Refused", message: "Not this one" } } });
    const refused = await pendingConversation(t, {
      visitor: { id: crypto.randomUUID(), firstName: "R", lastName: "Refused", email: "r@example.com", phoneNumber: null, city: null, country: null, externalUserId: null },
    });
    const fine = await pendingConversation(t);
    await run(t);
    const r = await syncState(t, refused.id);
    expect(r?.sync_status).toBe("synced");
    expect(JSON.parse(r?.sync_warnings ?? "[]")).toContainEqual({ code: "lead_not_created:FIELD_CUSTOM_VALIDATION_EXCEPTION", field: "LastName" });
    expect((await syncState(t, fine.id))?.sf_match).toBe("new_lead");
    expect(await records(t.org, "Lead")).toHaveLength(1);
    expect(await records(t.org, "iAdvize_Conversation__c")).toHaveLength(2);
  });

  it("reports a mapping to a field that does not exist", async () => {
    const t = await newSyncTenant({ mapping: { Q1: { object: "Lead", field: "No_Such__c" }, Q4: { object: "Lead", field: "Email" } } });
    const c = await pendingConversation(t);
    await run(t);
    const state = await syncState(t, c.id);
    expect(state?.sync_status).toBe("synced");
    expect(JSON.parse(state?.sync_warnings ?? "[]")).toContainEqual({ code: "mapping_no_such_field", tag: "Q1", field: "No_Such__c" });
  });
});

describe("sync: assignment", () => {
  it("sends new Leads through the chosen assignment rule", async () => {
    const t = await newSyncTenant({ salesforce: { assignmentRuleId: "01Q000000000123AAA" } });
    const c = await pendingConversation(t);
    await run(t);
    const lead = await leadOf(t, (await syncState(t, c.id))?.sf_lead_id);
    expect(lead?.OwnerId).toBe("00G-rule-01Q000000000123AAA");
    expect(lead?.OwnerId).not.toBe(INTEGRATION_USER);
  });
});

describe("sync: chat-to-call", () => {
  it("shows the conversation's callback request on its Conversation record", async () => {
    const { admin } = await import("../helpers/admin.ts");
    const { account, ask, received } = await import("../helpers/escalation.ts");
    const t = await newSyncTenant();
    const acct = `acct-${crypto.randomUUID().slice(0, 8)}`;
    await account(acct, { secret: "s" });
    const current = await (await admin("GET", `/tenants/${t.tenantId}`)).json<{ tenant: { config: Record<string, unknown> } }>();
    const key = `esc_${crypto.randomUUID().replaceAll("-", "")}`;
    const put = await admin("PUT", `/tenants/${t.tenantId}`, {
      ...current.tenant.config,
      escalation: { key, provider: { type: "webhook", url: `${env.TEST_CALLCENTRE_URL}/webhook/${acct}`, secret: "s" }, defaultCountry: "FR", allowedCountries: ["FR"] },
    });
    expect(put.status).toBe(200);
    const c = await pendingConversation(t);
    const a = await ask(key, { phone: "0612345678", conversationId: c.id });
    expect(a.status).toBe("scheduled");
    await run(t);
    const [conversation] = await records(t.org, "iAdvize_Conversation__c");
    expect(conversation).toMatchObject({ Callback_Outcome__c: "scheduled", Callback_Reference__c: (await received(acct))[0]?.reference });
    expect(conversation?.Callback_Requested_At__c).toBeTruthy();
  });
});

describe("sync: changes during a run", () => {
  it("a conversation marked again while being synced is synced again by the next run", async () => {
    const { markPendingStatement } = await import("../../src/conversations/sync-store.ts");
    const t = await newSyncTenant();
    const c = await pendingConversation(t);
    // As if a survey answer arrived while the run was under way.
    await env.DB.prepare("UPDATE conversations SET sync_status = 'syncing', sync_lease_until = ? WHERE conversation_id = ?").bind(new Date(Date.now() + 60_000).toISOString(), c.id).run();
    await env.DB.prepare("UPDATE conversations SET satisfaction = ? WHERE conversation_id = ?").bind(JSON.stringify({ customerSatisfaction: 4 }), c.id).run();
    await markPendingStatement(env.DB, t.tenantId, c.id, new Date()).run();
    expect((await syncState(t, c.id))?.sync_status).toBe("pending");
    await run(t);
    expect((await records(t.org, "iAdvize_Conversation__c"))[0]?.Satisfaction__c).toBe("CSAT 4");
    expect(await records(t.org, "Lead")).toHaveLength(1);
  });
});
