// What the write answers mean for each conversation: written (with the Salesforce ids),
// to retry (a transient per-record error), or failed (Salesforce's code and fields).
// Read in the shapes observed from the REST API: DUPLICATE_VALUE names its field and
// the other record only in its message (`fields: []`), and DUPLICATES_DETECTED may come
// without `duplicateResult` match records.
import * as z from "zod";
import type { SubResponse } from "./api.ts";
import { isTransientCode } from "./api.ts";
import type { Link } from "./plan.ts";

const RecordError = z.looseObject({
  statusCode: z.string().optional(),
  errorCode: z.string().optional(),
  message: z.string().optional(),
  fields: z.array(z.string()).optional(),
  duplicateResult: z
    .object({ matchResults: z.array(z.object({ matchRecords: z.array(z.object({ record: z.object({ Id: z.string() }).loose() }).loose()) }).loose()) })
    .loose()
    .optional(),
});
const RecordResult = z.object({ id: z.string().nullable().optional(), success: z.boolean(), errors: z.array(RecordError).default([]) }).loose();
export type RecordResult = z.infer<typeof RecordResult>;

export interface RecordError {
  code: string;
  fields: string[];
}

/** Per-record results of a collection subrequest; a failed subrequest fails each of its records. */
export function collectionResults(response: SubResponse | undefined, count: number): RecordResult[] {
  if (!response) return Array.from({ length: count }, () => ({ success: false, errors: [{ statusCode: "NOT_SENT" }] }));
  if (response.httpStatusCode >= 400) {
    const codes = z.array(RecordError).catch([]).parse(response.body);
    const code = codes[0]?.errorCode ?? codes[0]?.statusCode ?? `HTTP_${response.httpStatusCode}`;
    const message = codes[0]?.message;
    return Array.from({ length: count }, () => ({ success: false, errors: [{ statusCode: code, ...(message ? { message } : {}) }] }));
  }
  const parsed = z.array(RecordResult).safeParse(response.body);
  if (!parsed.success || parsed.data.length !== count) {
    return Array.from({ length: count }, () => ({ success: false, errors: [{ statusCode: "UNEXPECTED_ANSWER" }] }));
  }
  return parsed.data;
}

const DUPLICATE_VALUE = /duplicate value found: ([A-Za-z0-9_]+) duplicates value on record with id: ([A-Za-z0-9]{15,18})?/;

export function firstError(result: RecordResult): RecordError {
  const e = result.errors[0];
  const code = e?.statusCode ?? e?.errorCode ?? "UNKNOWN";
  const fields = e?.fields ?? [];
  if (code === "DUPLICATE_VALUE" && fields.length === 0) {
    const field = DUPLICATE_VALUE.exec(e?.message ?? "")?.[1];
    if (field) return { code, fields: [field] };
  }
  return { code, fields };
}

/** Salesforce refused a record as a duplicate without saying which record it duplicates. */
export function isUnnamedDuplicate(result: RecordResult): boolean {
  const code = firstError(result).code;
  return (code === "DUPLICATES_DETECTED" || code === "DUPLICATE_VALUE") && duplicateLink(result) === undefined;
}

export function isTransient(result: RecordResult): boolean {
  return !result.success && isTransientCode(firstError(result).code);
}

/** The record Salesforce names as the duplicate (match records, or the id in a DUPLICATE_VALUE message), as a link for the conversation. */
export function duplicateLink(result: RecordResult): Link | undefined {
  for (const e of result.errors) {
    const id = e.duplicateResult?.matchResults[0]?.matchRecords[0]?.record.Id ?? (e.statusCode === "DUPLICATE_VALUE" || e.errorCode === "DUPLICATE_VALUE" ? DUPLICATE_VALUE.exec(e.message ?? "")?.[2] : undefined);
    if (id?.startsWith("00Q")) return { kind: "lead", id };
    if (id?.startsWith("003")) return { kind: "contact", id };
  }
  return undefined;
}
