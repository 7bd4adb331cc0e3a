// One emulated Salesforce org: its records and the rules a write must pass, as the
// REST API applies them: field checks, required fields, unique external ids, lookups
// by external id, assignment rules (Sforce-Auto-Assign), duplicate and validation
// rules, converted leads, and injected row locks. Errors come in the shapes observed
// from the real REST API: DUPLICATE_VALUE names the field only in its message, and
// DUPLICATES_DETECTED carries no match records unless the org is told to add them.
import { fieldsNamed, matches, parseSoql, SoqlError } from "./soql.ts";
import { standardObjects } from "./schema.ts";
import type { FieldDef, ObjectDef } from "./schema.ts";

export type Rec = Record<string, unknown> & { Id: string };

export interface SfError {
  statusCode: string;
  message: string;
  fields: string[];
  duplicateResult?: unknown;
}

export interface WriteResult {
  id: string | null;
  success: boolean;
  errors: SfError[];
  created?: boolean;
}

export interface WriteContext {
  /** Sforce-Auto-Assign: true (the default), false, or an AssignmentRule id. */
  autoAssign: boolean | string;
  /** Sforce-Duplicate-Rule-Header allowSave=true. */
  allowSave: boolean;
}

export interface OrgOptions {
  id: string;
  clientId: string;
  clientSecret?: string;
  username?: string;
  publicKeyPem?: string;
  refreshToken?: string;
  apiLimit?: number;
  /** The org's Lead assignment rules; one active rule when absent. */
  assignmentRules?: { Name: string; Active: boolean }[];
  extraFields?: Record<string, FieldDef[]>;
  /** `matchRecords`: answer with `duplicateResult` match records, which REST answers may lack (the default). */
  duplicateRule?: { object: string; fields: string[]; action: "Block" | "Alert"; matchRecords?: boolean };
  validationRule?: { object: string; field: string; equals: string; message: string };
  /** A production org takes JWT assertions for https://login.salesforce.com, a sandbox for https://test.salesforce.com. */
  environment?: "production" | "sandbox";
  /** An Experience Cloud site URL, also a valid JWT audience. */
  experienceCloudUrl?: string;
  /** False: the connector's metadata package is not deployed in this org. */
  packageInstalled?: boolean;
  /** Parts of the package missing from the org: `Object.Field__c`, or the object's name. */
  packageMissing?: string[];
  /** Records per query page (Salesforce's default batch is 2000). */
  queryBatchSize?: number;
}

export const INTEGRATION_USER = "005000000000001AAA";
export const ASSIGNMENT_QUEUE = "00G000000000001AAA";

const err = (statusCode: string, message: string, fields: string[] = []): SfError => ({ statusCode, message, fields });

export class Org {
  readonly options: OrgOptions;
  readonly objects: Map<string, ObjectDef>;
  readonly records = new Map<string, Map<string, Rec>>();
  apiUsed = 0;
  /**
   * `foreign`: the next `count` data requests are answered with this status, content type and
   * raw body (an XML fault, a proxy's page), as something in front of the API may answer.
   */
  faults: { fail503: number; lockRows: number; down?: boolean; foreign?: { count: number; status: number; contentType: string; body: string } } = { fail503: 0, lockRows: 0 };
  #seq = 0;

  constructor(options: OrgOptions) {
    this.options = options;
    this.objects = standardObjects(options.extraFields, { installed: options.packageInstalled ?? true, missing: options.packageMissing ?? [] });
    for (const name of this.objects.keys()) this.records.set(name, new Map());
    // Fixed ids, outside the sequence the records' ids come from.
    (options.assignmentRules ?? [{ Name: "Standard", Active: true }]).forEach((rule, i) => {
      const Id = `01Q${String(i + 1).padStart(12, "0")}RUL`;
      this.records.get("AssignmentRule")?.set(Id, { Id, Name: rule.Name, Active: rule.Active, SobjectType: "Lead" });
    });
  }

  get apiLimit(): number {
    return this.options.apiLimit ?? 100_000;
  }

  objectDef(name: string): ObjectDef | undefined {
    return this.objects.get(name);
  }

  /** Deletes a field (or, without a field, an object) from the org's schema, as an admin might. */
  drop(object: string, field?: string): void {
    if (field) this.objects.get(object)?.fields.delete(field);
    else this.objects.delete(object);
  }

  #newId(def: ObjectDef): string {
    this.#seq++;
    return `${def.keyPrefix}${String(this.#seq).padStart(12, "0")}AAA`;
  }

  all(object: string): Rec[] {
    return [...(this.records.get(object)?.values() ?? [])];
  }

  /** Puts a record in as it is, for seeding (no rules applied). */
  seed(object: string, fields: Record<string, unknown>): Rec {
    const def = this.objects.get(object);
    if (!def) throw new Error(`no object ${object}`);
    const rec: Rec = { OwnerId: INTEGRATION_USER, IsConverted: false, ...fields, Id: this.#newId(def), LastModifiedDate: new Date().toISOString() };
    this.records.get(object)?.set(rec.Id, rec);
    return rec;
  }

  snapshot(): Map<string, Map<string, Rec>> {
    return new Map([...this.records].map(([k, v]) => [k, new Map([...v].map(([id, r]) => [id, { ...r }]))]));
  }

  restore(snapshot: Map<string, Map<string, Rec>>): void {
    this.records.clear();
    for (const [k, v] of snapshot) this.records.set(k, v);
  }

  query(soql: string): Rec[] {
    const q = parseSoql(soql);
    const def = this.objects.get(q.object);
    // Salesforce quotes the query back before the reason, as here.
    const where = `\n${soql}\n^\nERROR at Row:1:Column:1\n`;
    if (!def) {
      throw new SoqlError(`${where}sObject type '${q.object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`, "INVALID_TYPE");
    }
    for (const name of fieldsNamed(q)) {
      if (!def.fields.has(name)) {
        throw new SoqlError(`${where}No such column '${name}' on entity '${q.object}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`, "INVALID_FIELD");
      }
    }
    let rows = this.all(q.object).filter((r) => matches(r, q.where));
    if (q.orderBy) {
      const { field, desc } = q.orderBy;
      rows = rows.sort((a, b) => String(a[field] ?? "").localeCompare(String(b[field] ?? "")) * (desc ? -1 : 1));
    }
    if (q.limit !== undefined) rows = rows.slice(0, q.limit);
    return rows.map((r) => {
      const out: Rec = { Id: r.Id };
      for (const name of q.fields) out[name] = r[name] ?? null;
      return out;
    });
  }

  /** Checks and normalises the fields of a write; resolves lookups given by external id. */
  #check(def: ObjectDef, input: Record<string, unknown>, mode: "create" | "update"): { fields: Record<string, unknown>; errors: SfError[] } {
    const fields: Record<string, unknown> = {};
    const errors: SfError[] = [];
    for (const [key, value] of Object.entries(input)) {
      if (key === "attributes" || key === "Id") continue;
      if (key.endsWith("__r") && value && typeof value === "object") {
        const lookup = def.fields.get(key.replace(/__r$/, "__c"));
        const [extField, extValue] = Object.entries(value as Record<string, unknown>).find(([k]) => k !== "attributes") ?? [];
        const target = lookup?.referenceTo;
        const found = target && extField ? this.all(target).filter((r) => String(r[extField] ?? "").toLowerCase() === String(extValue).toLowerCase()) : [];
        if (!lookup || !target) errors.push(err("INVALID_FIELD", `No such relation '${key}' on sobject of type ${def.name}`, [key]));
        else if (found.length !== 1) errors.push(err("INVALID_FIELD", `Foreign key external ID: ${String(extValue)} not found for field ${String(extField)} in entity ${target}`, [lookup.name]));
        else fields[lookup.name] = found[0]?.Id;
        continue;
      }
      const field = def.fields.get(key);
      if (!field) {
        errors.push(err("INVALID_FIELD", `No such column '${key}' on sobject of type ${def.name}`, [key]));
        continue;
      }
      if ((mode === "create" && !field.createable) || (mode === "update" && !field.updateable)) {
        errors.push(err("INVALID_FIELD_FOR_INSERT_UPDATE", `Unable to create/update fields: ${key}.`, [key]));
        continue;
      }
      if (value !== null && typeof value === "string" && field.length && value.length > field.length) {
        errors.push(err("STRING_TOO_LONG", `${key}: data value too large: (max length=${field.length})`, [key]));
        continue;
      }
      if (field.type === "email" && typeof value === "string" && value !== "" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
        errors.push(err("INVALID_EMAIL_ADDRESS", `${key}: invalid email address`, [key]));
        continue;
      }
      if ((field.type === "double" || field.type === "int") && value !== null && typeof value !== "number") {
        errors.push(err("JSON_PARSER_ERROR", `Cannot deserialize instance of double from VALUE_STRING value for ${key}`, [key]));
        continue;
      }
      if (field.picklist?.restricted && value !== null && !field.picklist.values.includes(String(value))) {
        errors.push(err("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", `${key}: bad value for restricted picklist field`, [key]));
        continue;
      }
      if (field.type === "reference" && typeof value === "string" && field.referenceTo && this.records.has(field.referenceTo) && !this.records.get(field.referenceTo)?.has(value)) {
        errors.push(err("INVALID_CROSS_REFERENCE_KEY", `invalid cross reference id`, [key]));
        continue;
      }
      fields[key] = value;
    }
    const rule = this.options.validationRule;
    if (rule && rule.object === def.name && fields[rule.field] === rule.equals) {
      errors.push(err("FIELD_CUSTOM_VALIDATION_EXCEPTION", rule.message, [rule.field]));
    }
    return { fields, errors };
  }

  #lockFault(): SfError | undefined {
    if (this.faults.lockRows <= 0) return undefined;
    this.faults.lockRows--;
    return err("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 records");
  }

  #duplicates(def: ObjectDef, fields: Record<string, unknown>, self: string | undefined, ctx: WriteContext): SfError | undefined {
    const rule = this.options.duplicateRule;
    if (!rule || rule.object !== def.name) return undefined;
    if (rule.fields.some((f) => fields[f] === undefined || fields[f] === null || fields[f] === "")) return undefined;
    const same = this.all(def.name).filter((r) => r.Id !== self && rule.fields.every((f) => String(r[f] ?? "").toLowerCase() === String(fields[f]).toLowerCase()));
    if (same.length === 0 || (rule.action === "Alert" && ctx.allowSave)) return undefined;
    const error = err("DUPLICATES_DETECTED", "You're creating a duplicate record. We recommend you use an existing record instead.");
    if (!rule.matchRecords) return error;
    return {
      ...error,
      duplicateResult: {
        allowSave: rule.action === "Alert",
        duplicateRule: "Standard_Rule_for_Leads_with_Duplicate_Leads",
        duplicateRuleEntityType: def.name,
        errorMessage: "You're creating a duplicate record. We recommend you use an existing record instead.",
        matchResults: [
          {
            entityType: def.name,
            matchEngine: "FuzzyMatchEngine",
            matchRecords: same.map((r) => ({ additionalInformation: [], fieldDiffs: [], matchConfidence: 100, record: { attributes: { type: def.name }, Id: r.Id } })),
            rule: "Standard_Lead_Match_Rule_v1_0",
            size: same.length,
            success: true,
          },
        ],
      },
    };
  }

  #owner(ctx: WriteContext): string | undefined {
    if (ctx.autoAssign === false) return undefined;
    return ctx.autoAssign === true ? ASSIGNMENT_QUEUE : `00G-rule-${ctx.autoAssign}`;
  }

  create(object: string, input: Record<string, unknown>, ctx: WriteContext): WriteResult {
    const def = this.objects.get(object);
    if (!def) return { id: null, success: false, errors: [err("INVALID_TYPE", `sObject type '${object}' is not supported.`)] };
    const { fields, errors } = this.#check(def, input, "create");
    const missing = [...def.fields.values()].filter((f) => f.required && (fields[f.name] === undefined || fields[f.name] === null || fields[f.name] === ""));
    if (missing.length > 0) errors.push(err("REQUIRED_FIELD_MISSING", `Required fields are missing: [${missing.map((f) => f.name).join(", ")}]`, missing.map((f) => f.name)));
    for (const [name, value] of Object.entries(fields)) {
      const field = def.fields.get(name);
      const taken = field?.unique && value !== null && value !== undefined ? this.all(object).find((r) => String(r[name] ?? "").toLowerCase() === String(value).toLowerCase()) : undefined;
      // As observed: the field is named in the message only, `fields` stays empty.
      if (taken) errors.push(err("DUPLICATE_VALUE", `duplicate value found: ${name} duplicates value on record with id: ${taken.Id}`));
    }
    const dup = errors.length === 0 ? this.#duplicates(def, fields, undefined, ctx) : undefined;
    if (dup) errors.push(dup);
    const lock = errors.length === 0 ? this.#lockFault() : undefined;
    if (lock) errors.push(lock);
    if (errors.length > 0) return { id: null, success: false, errors };
    const owner = object === "Lead" ? this.#owner(ctx) : undefined;
    const rec: Rec = {
      ...(object === "Lead" ? { IsConverted: false, Status: "Open - Not Contacted" } : {}),
      OwnerId: INTEGRATION_USER,
      ...fields,
      ...(owner ? { OwnerId: owner } : {}),
      Id: this.#newId(def),
      CreatedDate: new Date().toISOString(),
      LastModifiedDate: new Date().toISOString(),
    };
    this.records.get(object)?.set(rec.Id, rec);
    return { id: rec.Id, success: true, errors: [], created: true };
  }

  update(object: string, id: string, input: Record<string, unknown>, ctx: WriteContext): WriteResult {
    const def = this.objects.get(object);
    const rec = this.records.get(object)?.get(id);
    if (!def || !rec) return { id, success: false, errors: [err("ENTITY_IS_DELETED", "entity is deleted or does not exist")] };
    if (rec.IsConverted === true) return { id, success: false, errors: [err("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead")] };
    const { fields, errors } = this.#check(def, input, "update");
    const dup = errors.length === 0 ? this.#duplicates(def, { ...rec, ...fields }, id, ctx) : undefined;
    if (dup) errors.push(dup);
    const lock = errors.length === 0 ? this.#lockFault() : undefined;
    if (lock) errors.push(lock);
    if (errors.length > 0) return { id, success: false, errors };
    Object.assign(rec, fields, { LastModifiedDate: new Date().toISOString() });
    // Assignment rules run on updates too unless the caller says Sforce-Auto-Assign: FALSE.
    const owner = object === "Lead" ? this.#owner(ctx) : undefined;
    if (owner) rec.OwnerId = owner;
    return { id, success: true, errors: [] };
  }

  /** Upsert by external id: created, updated, or 300 when several records share the value. */
  upsert(object: string, extField: string, value: string, input: Record<string, unknown>, ctx: WriteContext): WriteResult | { multiple: string[] } {
    const def = this.objects.get(object);
    const field = def?.fields.get(extField);
    if (!def) return { id: null, success: false, errors: [err("INVALID_TYPE", `sObject type '${object}' is not supported.`)] };
    if (!field?.externalId) {
      return { id: null, success: false, errors: [err("INVALID_FIELD", `Field ${extField} is not an external id field of ${object}`, [extField])] };
    }
    const found = this.all(object).filter((r) => String(r[extField] ?? "").toLowerCase() === value.toLowerCase());
    if (found.length > 1) return { multiple: found.map((r) => r.Id) };
    const existing = found[0];
    if (existing) {
      const result = this.update(object, existing.Id, input, ctx);
      return { ...result, created: false };
    }
    return this.create(object, { ...input, [extField]: value }, ctx);
  }
}
