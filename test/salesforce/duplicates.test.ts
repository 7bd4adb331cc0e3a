// Duplicate refusals in the shapes the REST API really sends: DUPLICATE_VALUE names its
// field only in the message (`fields: []`), DUPLICATES_DETECTED may carry no match
// records. The emulator answers that way; the connector still attaches each conversation.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { checkConfig } from "../../src/env.ts";
import type { Config } from "../../src/env.ts";
import { salesforceLogin } from "../../src/salesforce/auth.ts";
import { duplicateLink, firstError } from "../../src/salesforce/results.ts";
import { syncTenant } from "../../src/sync/crm-sync.ts";
import { TenantConfig } from "../../src/tenants/schema.ts";
import { CAR_DEALER } from "../emulators/iadvize/seed.ts";
import { apiUsed, newOrg, records, salesforceSettings, seedRecord } from "../helpers/salesforce.ts";
import { newSyncTenant, pendingConversation, syncState } from "../helpers/tenant.ts";

function config(): Config {
  const checked = checkConfig({ ...env });
  if (!checked.ok) throw new Error(checked.problems.join());
  return checked.config;
}

const emailed = (email: string) => [
  { role: "bot" as const, text: "[](Q4) Your email?", createdAt: "2026-11-20T09:00:00Z" },
  { role: "visitor" as const, text: email, createdAt: "2026-11-20T09:00:05Z" },
];

describe("the emulator's duplicate refusals, as observed from the REST API", () => {
  it("DUPLICATE_VALUE names the field and the other record in its message only; DUPLICATES_DETECTED has no match records", async () => {
    const org = await newOrg({ duplicateRule: { object: "Lead", fields: ["Phone"], action: "Block" } });
    const existing = await seedRecord(org, "Lead", { LastName: "Doe", Company: "X", iAdvize_Visitor_Id__c: "v-1", Phone: "+33600000000" });
    const settings = TenantConfig.parse({ salesforce: salesforceSettings(org) }).salesforce;
    if (!settings) throw new Error("settings");
    const retry = { fetch: (i: RequestInfo | URL, init?: RequestInit) => fetch(i, init), sleep: async () => undefined };
    const { token } = await salesforceLogin(retry, settings, Date.now());
    const create = (body: unknown) =>
      fetch(`${env.TEST_SALESFORCE_URL}/services/data/v62.0/sobjects/Lead`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    const unique = await create({ LastName: "Doe", Company: "X", iAdvize_Visitor_Id__c: "v-1" });
    expect(await unique.json()).toEqual([{ errorCode: "DUPLICATE_VALUE", fields: [], message: `duplicate value found: iAdvize_Visitor_Id__c duplicates value on record with id: ${existing.Id}` }]);
    const rule = await create({ LastName: "Roe", Company: "Y", Phone: "+33600000000" });
    const [error] = await rule.json<Record<string, unknown>[]>();
    expect(error).toMatchObject({ errorCode: "DUPLICATES_DETECTED", fields: [] });
    expect(error).not.toHaveProperty("duplicateResult");
  });

  it("the connector reads the field and the record out of a DUPLICATE_VALUE message", () => {
    const result = { success: false, errors: [{ statusCode: "DUPLICATE_VALUE", message: "duplicate value found: iAdvize_Visitor_Id__c duplicates value on record with id: 00Q000000000042AAA", fields: [] }] };
    expect(firstError(result)).toEqual({ code: "DUPLICATE_VALUE", fields: ["iAdvize_Visitor_Id__c"] });
    expect(duplicateLink(result)).toEqual({ kind: "lead", id: "00Q000000000042AAA" });
  });
});

describe("sync: duplicates refused in their real shapes", () => {
  it("a visitor who gave two emails in one batch gets one Lead, and both conversations are attached to it", async () => {
    const t = await newSyncTenant();
    const visitor = { ...CAR_DEALER.visitor, id: crypto.randomUUID() };
    const first = await pendingConversation(t, { visitor, messages: emailed("jane@first.example") });
    const second = await pendingConversation(t, { visitor, messages: emailed("jane@second.example") });
    expect(await syncTenant(env.DB, config(), t.tenantId)).toMatchObject({ kind: "done", synced: 2, failed: 0 });
    const leads = await records(t.org, "Lead");
    expect(leads).toHaveLength(1);
    for (const c of [first, second]) {
      const state = await syncState(t, c.id);
      expect(state).toMatchObject({ sync_status: "synced", sf_lead_id: leads[0]?.Id });
      expect(JSON.parse(state?.sync_warnings ?? "[]")).toEqual([]);
    }
    expect((await records(t.org, "iAdvize_Conversation__c")).map((r) => r.Lead__c)).toEqual([leads[0]?.Id, leads[0]?.Id]);
  });

  it("a blocking duplicate rule that names no record: one lookup finds the Lead, and the conversation is attached to it", async () => {
    const t = await newSyncTenant({ org: { duplicateRule: { object: "Lead", fields: ["Phone"], action: "Block" } } });
    const existing = await seedRecord(t.org, "Lead", { LastName: "Doe", Company: "Elsewhere", Email: "jane@elsewhere.example", Phone: "+33612345678", OwnerId: "005SALESREP" });
    const c = await pendingConversation(t, { visitor: { ...CAR_DEALER.visitor, id: crypto.randomUUID(), phoneNumber: "+33612345678" } });
    expect(await syncTenant(env.DB, config(), t.tenantId)).toMatchObject({ kind: "done", synced: 1 });
    const state = await syncState(t, c.id);
    expect(state).toMatchObject({ sync_status: "synced", sf_match: "lead", sf_lead_id: existing.Id });
    expect(JSON.parse(state?.sync_warnings ?? "[]")).toContainEqual({ code: "attached_to_duplicate" });
    expect(await records(t.org, "Lead")).toHaveLength(1);
    expect((await records(t.org, "iAdvize_Conversation__c"))[0]).toMatchObject({ Lead__c: existing.Id });
    // Read, new Lead refused, the lookup, the conversation written: the lookup is the only extra call.
    expect(await apiUsed(t.org)).toBe(4);
  });

  it("a blocking duplicate rule that names no record and no match found: the conversation is written without a Lead, and says why", async () => {
    const t = await newSyncTenant({ org: { duplicateRule: { object: "Lead", fields: ["LastName", "FirstName"], action: "Block" } } });
    await seedRecord(t.org, "Lead", { FirstName: "Jane", LastName: "Doe", Company: "Elsewhere", Email: "jane@elsewhere.example" });
    const c = await pendingConversation(t);
    await syncTenant(env.DB, config(), t.tenantId);
    const state = await syncState(t, c.id);
    expect(state).toMatchObject({ sync_status: "synced", sf_lead_id: null });
    expect(JSON.parse(state?.sync_warnings ?? "[]")).toContainEqual({ code: "lead_not_created:DUPLICATES_DETECTED" });
    expect(await records(t.org, "iAdvize_Conversation__c")).toHaveLength(1);
  });
});
