// The connector's own metadata package as an org holds it: which of its parts a describe
// lacks, and which a Salesforce error names. Either means the package is not deployed, a
// field was deleted, or the permission set is not assigned (a field the user may not see
// is "no such column" too): a ContractError that holds the tenant, never a conversation's
// failure. A customer's own (mapped) field is not part of the package.
import * as z from "zod";
import { ContractError } from "../lib/contract-error.ts";
import type { Fields } from "./describe.ts";
import { DEFLECTION_FIELDS } from "./deflection-fields.ts";
import { CONVERSATION, LEAD, WRITTEN_CUSTOM_FIELDS } from "./model.ts";

/** Every custom field the sync writes, per object: the model's, and the IVR link's (deflection-fields.ts). */
const CHECKED_FIELDS: Record<string, readonly string[]> = {
  ...WRITTEN_CUSTOM_FIELDS,
  [CONVERSATION.object]: [...(WRITTEN_CUSTOM_FIELDS[CONVERSATION.object] ?? []), ...DEFLECTION_FIELDS],
};

/** The package's custom object, and every custom field the code writes, as `Object.Field__c`. */
export const PACKAGE_PATHS: ReadonlySet<string> = new Set([
  CONVERSATION.object,
  ...Object.entries(CHECKED_FIELDS).flatMap(([object, fields]) => fields.map((f) => `${object}.${f}`)),
]);

/** The package parts missing from the describes at hand (an object not described is not judged). */
export function missingFromDescribes(describes: { Lead?: Fields | undefined; Conversation?: Fields | undefined }): string[] {
  const missing: string[] = [];
  for (const [object, fields] of [[LEAD.object, describes.Lead], [CONVERSATION.object, describes.Conversation]] as const) {
    if (!fields) continue;
    for (const field of CHECKED_FIELDS[object] ?? []) if (!fields.has(field)) missing.push(`${object}.${field}`);
  }
  return missing;
}

export interface SalesforceErrorLike {
  errorCode?: string | undefined;
  statusCode?: string | undefined;
  message?: string | undefined;
}

const NAME = "([A-Za-z0-9_]+)";
const ON = `on (?:entity|sobject of type) '?${NAME}'?`;

/**
 * The package parts a Salesforce error names, read from its message (REST errors name
 * columns there, not always in `fields`); `object` is the sObject the request was about.
 * Only names are kept, never the rest of the message (a query echoes its values).
 */
export function packagePathsOf(error: SalesforceErrorLike, object?: string): string[] {
  const code = error.errorCode ?? error.statusCode ?? "";
  const message = error.message ?? "";
  const found: string[] = [];
  if (code === "INVALID_TYPE" || code === "NOT_FOUND") {
    for (const m of message.matchAll(new RegExp(`sObject type '${NAME}' is not supported`, "g"))) found.push(m[1] ?? "");
    const external = new RegExp(`Provided external ID field does not exist or is not accessible: ${NAME}`).exec(message);
    if (external && object) found.push(`${object}.${external[1]}`);
    // A describe or a resource of the package's object answered "does not exist".
    if (code === "NOT_FOUND" && !external && object === CONVERSATION.object) found.push(object);
  }
  if (code === "INVALID_FIELD" || code === "INVALID_FIELD_FOR_INSERT_UPDATE") {
    for (const m of message.matchAll(new RegExp(`No such column '${NAME}' ${ON}`, "g"))) found.push(`${m[2]}.${m[1]}`);
    for (const m of message.matchAll(new RegExp(`No such relation '${NAME}__r' ${ON}`, "g"))) found.push(`${m[2]}.${m[1]}__c`);
    const unwritable = /Unable to create\/update fields: ([A-Za-z0-9_, ]+)\./.exec(message);
    if (unwritable && object) for (const f of unwritable[1]?.split(",") ?? []) found.push(`${object}.${f.trim()}`);
  }
  return found.filter((p) => PACKAGE_PATHS.has(p));
}

export function packageMissing(paths: readonly string[]): ContractError {
  const unique = [...new Set(paths)].sort();
  return new ContractError("salesforce_package_missing", unique, `the org lacks part of the connector's Salesforce package (or the permission set): ${unique.join(", ")}`);
}

const ErrorList = z.array(z.looseObject({ errorCode: z.string().optional(), statusCode: z.string().optional(), message: z.string().optional() }));
const RecordResults = z.array(z.looseObject({ errors: ErrorList.optional() }));

/** The package parts named by one composite answer: a refused subrequest, or any of its records' errors. */
export function packagePathsInAnswer(response: { httpStatusCode: number; body: unknown }, object: string | undefined): string[] {
  const errors =
    response.httpStatusCode >= 400
      ? ErrorList.catch([]).parse(response.body)
      : RecordResults.catch([]).parse(response.body).flatMap((r) => r.errors ?? []);
  return errors.flatMap((e) => packagePathsOf(e, object));
}
