// The IVR fields of the Conversation record: in the package, granted by the permission set,
// and checked with the rest of the package (a missing one holds the tenant, never fails a conversation).
import { describe, expect, it } from "vitest";
import { CONVERSATION_DEFLECTION, DEFLECTION_FIELDS } from "../../src/salesforce/deflection-fields.ts";
import { missingFromDescribes, PACKAGE_PATHS, packagePathsOf } from "../../src/salesforce/package.ts";

const files = import.meta.glob("../../salesforce/force-app/main/default/**/*.xml", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const fieldXml = (field: string) => Object.entries(files).find(([p]) => p.endsWith(`/objects/iAdvize_Conversation__c/fields/${field}.field-meta.xml`))?.[1];
const permissionSet = Object.entries(files).find(([p]) => p.endsWith("iAdvize_Connector.permissionset-meta.xml"))?.[1] ?? "";

describe("the IVR fields in the Salesforce package", () => {
  it("defines and grants every field the plan writes; the time is a DateTime", () => {
    for (const field of DEFLECTION_FIELDS) {
      expect(fieldXml(field), field).toContain(`<fullName>${field}</fullName>`);
      expect(permissionSet).toContain(`<field>iAdvize_Conversation__c.${field}</field>`);
    }
    expect(fieldXml(CONVERSATION_DEFLECTION.at)).toContain("<type>DateTime</type>");
  });

  it("is part of the package check: missing from a describe, or named by Salesforce's error", () => {
    for (const field of DEFLECTION_FIELDS) expect(PACKAGE_PATHS.has(`iAdvize_Conversation__c.${field}`)).toBe(true);
    const describe = new Map([["Conversation_Id__c", {}]]) as unknown as Parameters<typeof missingFromDescribes>[0]["Conversation"];
    expect(missingFromDescribes({ Conversation: describe })).toEqual(expect.arrayContaining(DEFLECTION_FIELDS.map((f) => `iAdvize_Conversation__c.${f}`)));
    expect(packagePathsOf({ errorCode: "INVALID_FIELD", message: "No such column 'IVR_Deflection_Reason__c' on sobject of type iAdvize_Conversation__c" })).toEqual(["iAdvize_Conversation__c.IVR_Deflection_Reason__c"]);
  });
});
