// The metadata package defines every field the code writes, and the permission set grants them.
import { describe, expect, it } from "vitest";
import { CONVERSATION, LEAD, WRITTEN_CUSTOM_FIELDS } from "../../src/salesforce/model.ts";

const files = import.meta.glob("../../salesforce/force-app/main/default/**/*.xml", {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

function fieldsOf(object: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, xml] of Object.entries(files)) {
    const m = new RegExp(`/objects/${object}/fields/([A-Za-z0-9_]+)\\.field-meta\\.xml$`).exec(path);
    if (m?.[1]) out.set(m[1], xml);
  }
  return out;
}

const permissionSet = Object.entries(files).find(([p]) => p.endsWith("iAdvize_Connector.permissionset-meta.xml"))?.[1] ?? "";

describe("Salesforce metadata package", () => {
  it("defines every custom field the code writes, with its fullName", () => {
    for (const [object, fields] of Object.entries(WRITTEN_CUSTOM_FIELDS)) {
      const defined = fieldsOf(object);
      for (const field of fields) {
        expect(defined.has(field), `${object}.${field} is not in the package`).toBe(true);
        expect(defined.get(field)).toContain(`<fullName>${field}</fullName>`);
      }
    }
  });

  it("makes the two external ids unique external ids", () => {
    expect(fieldsOf(LEAD.object).get(LEAD.visitorId)).toMatch(/<externalId>true<\/externalId>[\s\S]*<unique>true<\/unique>/);
    expect(fieldsOf(CONVERSATION.object).get(CONVERSATION.conversationId)).toMatch(/<externalId>true<\/externalId>[\s\S]*<unique>true<\/unique>/);
  });

  it("ships the custom object, and a permission set granting every written field", () => {
    expect(Object.keys(files).some((p) => p.endsWith(`${CONVERSATION.object}.object-meta.xml`))).toBe(true);
    for (const [object, fields] of Object.entries(WRITTEN_CUSTOM_FIELDS)) {
      for (const field of fields) expect(permissionSet).toContain(`<field>${object}.${field}</field>`);
    }
  });
});
