// The objects of an emulated Salesforce org: standard fields, the custom fields of the
// connector's metadata package as deployed into the org (read from salesforce/, so a
// field missing there is missing here too; an org may lack the package, or some of its
// fields), and fields of the customer's own that a test or the demo adds.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export type FieldType =
  | "id" | "string" | "textarea" | "email" | "phone" | "picklist" | "reference"
  | "boolean" | "datetime" | "date" | "double" | "currency" | "int";

export interface FieldDef {
  name: string;
  type: FieldType;
  length?: number;
  createable: boolean;
  updateable: boolean;
  nillable: boolean;
  externalId?: boolean;
  unique?: boolean;
  required?: boolean;
  picklist?: { values: string[]; restricted: boolean };
  referenceTo?: string;
}

export interface ObjectDef {
  name: string;
  keyPrefix: string;
  fields: Map<string, FieldDef>;
}

const f = (name: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  type,
  createable: true,
  updateable: true,
  nillable: true,
  ...extra,
});
const readOnly = { createable: false, updateable: false };

function object(name: string, keyPrefix: string, fields: FieldDef[]): ObjectDef {
  return { name, keyPrefix, fields: new Map(fields.map((d) => [d.name, d])) };
}

const PACKAGE = new URL("../../../salesforce/force-app/main/default/objects/", import.meta.url).pathname;

function tag(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

/** Custom fields as the metadata package defines them. */
export function packageFields(objectName: string): FieldDef[] {
  const dir = join(PACKAGE, objectName, "fields");
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files.map((file) => {
    const xml = readFileSync(join(dir, file), "utf8");
    const kind = tag(xml, "type");
    const type: FieldType =
      kind === "Text" ? "string" : kind === "LongTextArea" ? "textarea" : kind === "Lookup" ? "reference" : kind === "DateTime" ? "datetime" : kind === "Number" ? "double" : "string";
    const length = tag(xml, "length");
    const referenceTo = tag(xml, "referenceTo");
    return f(tag(xml, "fullName") ?? file, type, {
      ...(length ? { length: Number(length) } : {}),
      ...(referenceTo ? { referenceTo } : {}),
      externalId: tag(xml, "externalId") === "true",
      unique: tag(xml, "unique") === "true",
    });
  });
}

/** What of the connector's package is deployed in the org: all of it, none, or all but some `Object.Field__c`. */
export interface InstalledPackage {
  installed: boolean;
  missing: readonly string[];
}

export function standardObjects(extraFields: Record<string, FieldDef[]> = {}, pkg: InstalledPackage = { installed: true, missing: [] }): Map<string, ObjectDef> {
  const deployed = (objectName: string) => (pkg.installed ? packageFields(objectName).filter((d) => !pkg.missing.includes(`${objectName}.${d.name}`)) : []);
  const lead = object("Lead", "00Q", [
    f("Id", "id", readOnly),
    f("FirstName", "string", { length: 40 }),
    f("LastName", "string", { length: 80, required: true, nillable: false }),
    f("Company", "string", { length: 255, required: true, nillable: false }),
    f("Email", "email", { length: 80 }),
    f("Phone", "phone", { length: 40 }),
    f("MobilePhone", "phone", { length: 40 }),
    f("LeadSource", "picklist", { picklist: { values: ["Web", "Phone Inquiry", "Partner Referral", "iAdvize", "Other"], restricted: false } }),
    f("Status", "picklist", { picklist: { values: ["Open - Not Contacted", "Working - Contacted", "Closed - Converted"], restricted: true } }),
    f("Description", "textarea", { length: 32000 }),
    f("OwnerId", "reference", { referenceTo: "User" }),
    f("IsConverted", "boolean", readOnly),
    f("ConvertedContactId", "reference", { ...readOnly, referenceTo: "Contact" }),
    f("CreatedDate", "datetime", readOnly),
    f("LastModifiedDate", "datetime", readOnly),
    ...deployed("Lead"),
    ...(extraFields.Lead ?? []),
  ]);
  const contact = object("Contact", "003", [
    f("Id", "id", readOnly),
    f("FirstName", "string", { length: 40 }),
    f("LastName", "string", { length: 80, required: true, nillable: false }),
    f("Email", "email", { length: 80 }),
    f("Phone", "phone", { length: 40 }),
    f("OwnerId", "reference", { referenceTo: "User" }),
    f("LastModifiedDate", "datetime", readOnly),
    ...(extraFields.Contact ?? []),
  ]);
  const conversation = object("iAdvize_Conversation__c", "a0I", [
    f("Id", "id", readOnly),
    f("Name", "string", { ...readOnly, length: 80 }),
    f("CreatedDate", "datetime", readOnly),
    f("LastModifiedDate", "datetime", readOnly),
    ...deployed("iAdvize_Conversation__c"),
    ...(extraFields.iAdvize_Conversation__c ?? []),
  ]);
  // Setup data the connector reads (never writes): which Lead assignment rules exist.
  const assignmentRule = object("AssignmentRule", "01Q", [
    f("Id", "id", readOnly),
    f("Name", "string", { ...readOnly, length: 120 }),
    f("Active", "boolean", readOnly),
    f("SobjectType", "string", { ...readOnly, length: 40 }),
  ]);
  const surveyResponse = object("iAdvize_Survey_Response__c", "a0J", [
    f("Id", "id", readOnly),
    f("Name", "string", { ...readOnly, length: 80 }),
    f("CreatedDate", "datetime", readOnly),
    ...deployed("iAdvize_Survey_Response__c"),
  ]);
  const packaged = [conversation, surveyResponse].filter((o) => pkg.installed && !pkg.missing.includes(o.name));
  return new Map([lead, contact, ...packaged, assignmentRule].map((o) => [o.name, o]));
}

export function describe(def: ObjectDef) {
  return {
    name: def.name,
    keyPrefix: def.keyPrefix,
    createable: true,
    updateable: true,
    fields: [...def.fields.values()].map((d) => ({
      name: d.name,
      type: d.type,
      length: d.length ?? 0,
      createable: d.createable,
      updateable: d.updateable,
      nillable: d.nillable,
      externalIdField: d.externalId ?? false,
      unique: d.unique ?? false,
      defaultedOnCreate: d.name === "OwnerId" || d.name === "Status",
      picklistValues: (d.picklist?.values ?? []).map((value) => ({ value, label: value, active: true, defaultValue: false })),
      restrictedPicklist: d.picklist?.restricted ?? false,
      referenceTo: d.referenceTo ? [d.referenceTo] : [],
    })),
  };
}
