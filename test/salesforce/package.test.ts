// The connector's own package missing from an org (not deployed, a field deleted, the
// permission set not assigned): the Salesforce layer throws ContractError with the
// missing `Object.Field__c` paths, and no conversation fails; a customer's mapped field
// refused the same way stays a report on the conversation.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { checkConfig } from "../../src/env.ts";
import type { Config } from "../../src/env.ts";
import { ContractError } from "../../src/lib/contract-error.ts";
import { CONVERSATION } from "../../src/salesforce/model.ts";
import { missingFromDescribes, packagePathsOf } from "../../src/salesforce/package.ts";
import type { Plan } from "../../src/salesforce/plan.ts";
import { parseRead, readRequests } from "../../src/salesforce/read.ts";
import { readAll } from "../../src/salesforce/read-all.ts";
import { writePlan } from "../../src/salesforce/write.ts";
import { syncTenant } from "../../src/sync/crm-sync.ts";
import { CUSTOMER_FIELDS } from "../emulators/salesforce/seed.ts";
import { dropFromOrg, newOrg, records, testApi } from "../helpers/salesforce.ts";
import type { TestOrg } from "../helpers/salesforce.ts";
import { newSyncTenant, pendingConversation, syncState } from "../helpers/tenant.ts";

function config(): Config {
  const checked = checkConfig({ ...env });
  if (!checked.ok) throw new Error(checked.problems.join());
  return checked.config;
}

const read = async (org: TestOrg) =>
  parseRead(await readAll(testApi(org), readRequests({ emails: ["jane@example.com"], visitorIds: ["v-1"], describe: ["Lead", "Conversation"], leadFields: [], uncheckedLeadFields: [] })));

const conversationOnly = (id: string): Plan => ({
  newLeads: [],
  leadUpdates: [],
  conversations: [{ conversationId: id, link: { kind: "none" }, record: { attributes: { type: CONVERSATION.object }, Conversation_Id__c: id, Visitor_Id__c: "v-1", Transcript__c: "Visitor: hello" } }],
  outcomes: new Map([[id, { match: "no_contact_details", warnings: [] }]]),
});

describe("the connector's package missing from the org", () => {
  it("an org without the package: the read throws ContractError naming the object and the Lead's visitor id field", async () => {
    const org = await newOrg({ packageInstalled: false });
    const err = await read(org).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContractError);
    expect(err).toMatchObject({ problem: "salesforce_package_missing", paths: ["Lead.iAdvize_Visitor_Id__c", "iAdvize_Conversation__c"] });
    // Names only: the query's values (an email here) never reach the message.
    expect((err as Error).message).not.toContain("jane@example.com");
  });

  it("a package field missing from the org is found in the describe", async () => {
    const org = await newOrg({ packageMissing: ["iAdvize_Conversation__c.Transcript__c", "iAdvize_Conversation__c.Answers__c"] });
    const result = await read(org);
    if (!result.ok) throw new Error("read failed");
    const describes = { Lead: result.result.describes.get("Lead"), Conversation: result.result.describes.get("Conversation") };
    expect(missingFromDescribes(describes)).toEqual(["iAdvize_Conversation__c.Transcript__c", "iAdvize_Conversation__c.Answers__c"]);
  });

  it("a package field deleted after the describe was cached: the write throws ContractError with its path", async () => {
    const org = await newOrg();
    await dropFromOrg(org, CONVERSATION.object, "Transcript__c");
    const err = await writePlan(testApi(org), conversationOnly(crypto.randomUUID()), true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContractError);
    expect(err).toMatchObject({ problem: "salesforce_package_missing", paths: ["iAdvize_Conversation__c.Transcript__c"] });
  });

  it("the custom object deleted: the write throws ContractError naming it", async () => {
    const org = await newOrg();
    await dropFromOrg(org, CONVERSATION.object);
    const err = await writePlan(testApi(org), conversationOnly(crypto.randomUUID()), true).catch((e: unknown) => e);
    expect(err).toMatchObject({ problem: "salesforce_package_missing", paths: ["iAdvize_Conversation__c"] });
  });

  it("reads package paths from the messages Salesforce sends, and ignores other refusals", () => {
    const soql = "\nSELECT Id FROM Lead WHERE iAdvize_Visitor_Id__c IN ('v')\n^\nERROR at Row:1:Column:30\n";
    expect(packagePathsOf({ errorCode: "INVALID_FIELD", message: `${soql}No such column 'iAdvize_Visitor_Id__c' on entity 'Lead'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.` })).toEqual(["Lead.iAdvize_Visitor_Id__c"]);
    expect(packagePathsOf({ statusCode: "INVALID_FIELD", message: "No such relation 'Lead__r' on sobject of type iAdvize_Conversation__c" })).toEqual(["iAdvize_Conversation__c.Lead__c"]);
    expect(packagePathsOf({ errorCode: "INVALID_TYPE", message: "sObject type 'iAdvize_Conversation__c' is not supported." })).toEqual(["iAdvize_Conversation__c"]);
    expect(packagePathsOf({ errorCode: "NOT_FOUND", message: "Provided external ID field does not exist or is not accessible: Conversation_Id__c" }, CONVERSATION.object)).toEqual(["iAdvize_Conversation__c.Conversation_Id__c"]);
    expect(packagePathsOf({ statusCode: "INVALID_FIELD_FOR_INSERT_UPDATE", message: "Unable to create/update fields: Transcript__c, Answers__c. Please check the security settings of this field." }, CONVERSATION.object)).toEqual([
      "iAdvize_Conversation__c.Transcript__c",
      "iAdvize_Conversation__c.Answers__c",
    ]);
    // A customer's field, a Lead the lookup did not find: not the package.
    expect(packagePathsOf({ statusCode: "INVALID_FIELD", message: "No such column 'Vehicle__c' on sobject of type Lead" }, "Lead")).toEqual([]);
    expect(packagePathsOf({ statusCode: "INVALID_FIELD", message: "Foreign key external ID: v-1 not found for field iAdvize_Visitor_Id__c in entity Lead" }, CONVERSATION.object)).toEqual([]);
  });
});

describe("sync: the package missing never fails a conversation", () => {
  it("an org without the package: the conversation waits", async () => {
    const t = await newSyncTenant({ org: { packageInstalled: false } });
    const c = await pendingConversation(t);
    await syncTenant(env.DB, config(), t.tenantId);
    expect((await syncState(t, c.id))?.sync_status).toBe("pending");
    expect(await records(t.org, "Lead")).toHaveLength(0);
  });

  it("a package field deleted while its describe is cached: the conversation waits", async () => {
    const t = await newSyncTenant();
    await pendingConversation(t);
    await syncTenant(env.DB, config(), t.tenantId);
    await dropFromOrg(t.org, CONVERSATION.object, "Transcript__c");
    const c = await pendingConversation(t);
    await syncTenant(env.DB, config(), t.tenantId);
    expect((await syncState(t, c.id))?.sync_status).toBe("pending");
  });

  it("a customer's mapped field deleted while its describe is cached stays a report on the conversation", async () => {
    const budget = { name: "Budget__c", type: "string", length: 255, createable: true, updateable: true, nillable: true };
    const t = await newSyncTenant({ org: { extraFields: { ...CUSTOMER_FIELDS, iAdvize_Conversation__c: [budget] } }, mapping: { Q1: { object: "Conversation", field: "Budget__c" } } });
    await pendingConversation(t);
    await syncTenant(env.DB, config(), t.tenantId);
    await dropFromOrg(t.org, CONVERSATION.object, "Budget__c");
    const c = await pendingConversation(t);
    await syncTenant(env.DB, config(), t.tenantId);
    const state = await syncState(t, c.id);
    expect(state?.sync_status).toBe("failed");
    expect(JSON.parse(state?.sync_error ?? "{}")).toMatchObject({ code: "INVALID_FIELD", fields: ["Budget__c"] });
  });
});
