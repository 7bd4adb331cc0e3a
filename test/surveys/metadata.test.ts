// The metadata package defines every field the survey writer sets, the Survey Response
// object with its external id, and the permission set grants them.
import { describe, expect, it } from "vitest";
import { SURVEY_FIELDS, SURVEY_RESPONSE } from "../../src/surveys/salesforce-model.ts";

const files = import.meta.glob("../../salesforce/force-app/main/default/**/*.xml", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const fieldXml = (object: string, field: string) => Object.entries(files).find(([p]) => p.endsWith(`/objects/${object}/fields/${field}.field-meta.xml`))?.[1];
const permissionSet = Object.entries(files).find(([p]) => p.endsWith("iAdvize_Connector.permissionset-meta.xml"))?.[1] ?? "";

describe("survey fields in the Salesforce package", () => {
  it("defines and grants every field written, the scores as reportable numbers", () => {
    for (const [object, fields] of Object.entries(SURVEY_FIELDS)) {
      for (const field of fields) {
        expect(fieldXml(object, field), `${object}.${field}`).toContain(`<fullName>${field}</fullName>`);
        expect(permissionSet).toContain(`<field>${object}.${field}</field>`);
      }
    }
    expect(fieldXml("iAdvize_Conversation__c", "Survey_Score_1__c")).toContain("<type>Number</type>");
  });

  it("ships the Survey Response object, its session id a unique external id, and its object permission", () => {
    expect(Object.keys(files).some((p) => p.endsWith(`${SURVEY_RESPONSE.object}.object-meta.xml`))).toBe(true);
    expect(fieldXml(SURVEY_RESPONSE.object, SURVEY_RESPONSE.externalId)).toMatch(/<externalId>true<\/externalId>[\s\S]*<unique>true<\/unique>/);
    expect(permissionSet).toContain(`<object>${SURVEY_RESPONSE.object}</object>`);
  });
});
