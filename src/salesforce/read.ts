// The read of a batch: the describes not cached yet, the Contacts with the batch's
// emails, and the Leads with its emails or visitor ids (sent by readAll, in as few
// composites as the limits allow). A refusal naming the connector's own package is a
// ContractError, not a failed read.
import * as z from "zod";
import type { SubResponse, Subrequest } from "./api.ts";
import { fieldsOf, ObjectDescribe } from "./describe.ts";
import type { Fields } from "./describe.ts";
import { API_VERSION, CONVERSATION, LEAD } from "./model.ts";
import type { ExistingContact, ExistingLead } from "./plan.ts";
import { packageMissing, packagePathsOf } from "./package.ts";
import { chunkForUrl, inList, queryUrl } from "./soql.ts";
import { EXISTING_FIELDS, existingConversation } from "./existing.ts";
import type { ExistingConversation } from "./existing.ts";

/**
 * A query's URL, encoded, stays within this: Salesforce's REST API takes URIs of up to
 * 16,384 characters; the rest is margin. Lists are split by their encoded length, so
 * 200 conversations usually take one Contacts query and one or two Lead queries.
 */
export const MAX_QUERY_URL = 16_000;
const LEAD_BASE_FIELDS = ["Id", "Email", "Phone", "IsConverted", "ConvertedContactId", LEAD.visitorId];

export interface ReadNeeds {
  emails: string[];
  visitorIds: string[];
  describe: ("Lead" | "Conversation")[];
  /** Lead fields whose current values decide an update (the mapped ones, once known to exist). */
  leadFields: string[];
  /** The mapped Lead fields, unchecked: read in a query of their own, which may fail. */
  uncheckedLeadFields: string[];
  /** Conversations whose D1 row never saw their push or close: their records, if Salesforce has them. */
  conversationIds?: string[];
}

const OBJECT = { Lead: LEAD.object, Conversation: CONVERSATION.object } as const;

export function readRequests(needs: ReadNeeds): Subrequest[] {
  const out: Subrequest[] = [];
  for (const d of needs.describe) {
    out.push({ method: "GET", url: `/services/data/v${API_VERSION}/sobjects/${OBJECT[d]}/describe`, referenceId: `describe_${d}` });
  }
  const contactsSoql = (emails: string[]) => `SELECT Id, Email FROM Contact WHERE Email IN ${inList(emails)}`;
  chunkForUrl(needs.emails, MAX_QUERY_URL - queryUrl(API_VERSION, contactsSoql([])).length).forEach((chunk, i) => {
    out.push({ method: "GET", url: queryUrl(API_VERSION, contactsSoql(chunk)), referenceId: `contacts_${i}` });
  });
  const leadFields = [...new Set([...LEAD_BASE_FIELDS, ...needs.leadFields])].join(", ");
  const valueFields = ["Id", ...needs.uncheckedLeadFields].join(", ");
  const where = (emails: string[], visitors: string[]) =>
    [emails.length ? `Email IN ${inList(emails)}` : "", visitors.length ? `${LEAD.visitorId} IN ${inList(visitors)}` : ""].filter(Boolean).join(" OR ");
  const leadsSoql = (condition: string) => `SELECT ${leadFields} FROM Lead WHERE ${condition} ORDER BY LastModifiedDate DESC`;
  const valuesSoql = (condition: string) => `SELECT ${valueFields} FROM Lead WHERE ${condition}`;
  // Half of what the longer of the two queries leaves for its lists, to each list.
  const emptyLists = `Email IN () OR ${LEAD.visitorId} IN ()`;
  const fixed = Math.max(queryUrl(API_VERSION, leadsSoql(emptyLists)).length, queryUrl(API_VERSION, valuesSoql(emptyLists)).length);
  const perList = Math.floor((MAX_QUERY_URL - fixed) / 2);
  const emailChunks = chunkForUrl(needs.emails, perList);
  const visitorChunks = chunkForUrl(needs.visitorIds, perList);
  const rounds = Math.max(emailChunks.length, visitorChunks.length);
  for (let i = 0; i < rounds; i++) {
    const condition = where(emailChunks[i] ?? [], visitorChunks[i] ?? []);
    out.push({ method: "GET", url: queryUrl(API_VERSION, leadsSoql(condition)), referenceId: `leads_${i}` });
    if (needs.uncheckedLeadFields.length > 0) {
      out.push({ method: "GET", url: queryUrl(API_VERSION, valuesSoql(condition)), referenceId: `leadvalues_${i}` });
    }
  }
  const conversationsSoql = (ids: string[]) => `SELECT ${EXISTING_FIELDS.join(", ")} FROM ${CONVERSATION.object} WHERE ${CONVERSATION.conversationId} IN ${inList(ids)}`;
  chunkForUrl(needs.conversationIds ?? [], MAX_QUERY_URL - queryUrl(API_VERSION, conversationsSoql([])).length).forEach((chunk, i) => {
    out.push({ method: "GET", url: queryUrl(API_VERSION, conversationsSoql(chunk)), referenceId: `conversations_${i}` });
  });
  return out;
}

/** readAll has followed every page: an answer still marked not done is refused, never read as complete. */
const QueryAnswer = z.object({ done: z.literal(true), records: z.array(z.record(z.string(), z.unknown())) });
const ContactRow = z.object({ Id: z.string(), Email: z.string().nullable().optional() });
const LeadRow = z.looseObject({
  Id: z.string(),
  Email: z.string().nullable().optional(),
  IsConverted: z.boolean().optional(),
  ConvertedContactId: z.string().nullable().optional(),
});

export interface ReadResult {
  contacts: ExistingContact[];
  leads: ExistingLead[];
  describes: Map<"Lead" | "Conversation", Fields>;
  /** Lead field values read by the unchecked query, when it worked. */
  leadValuesKnown: boolean;
  /** The Conversation records asked for (ReadNeeds.conversationIds) that exist, by conversation id. */
  existing: Map<string, ExistingConversation>;
}

const OBJECT_OF_REFERENCE: [string, string][] = [
  ["describe_Lead", LEAD.object],
  ["describe_Conversation", CONVERSATION.object],
  ["contacts_", "Contact"],
  ["leads_", LEAD.object],
  ["conversations_", CONVERSATION.object],
];
const RefusalBody = z.array(z.looseObject({ errorCode: z.string(), message: z.string().optional() })).catch([]);

export function parseRead(responses: readonly SubResponse[]): { ok: true; result: ReadResult } | { ok: false; referenceId: string; status: number; codes: string[] } {
  const contacts: ExistingContact[] = [];
  const leads = new Map<string, ExistingLead>();
  const extra = new Map<string, Record<string, unknown>>();
  const describes = new Map<"Lead" | "Conversation", Fields>();
  const existing = new Map<string, ExistingConversation>();
  let leadValuesKnown = true;
  // Every part of the package the refusals name, at once, rather than one per run.
  const missing = responses.flatMap((r) => {
    if (r.httpStatusCode < 400) return [];
    const object = OBJECT_OF_REFERENCE.find(([prefix]) => r.referenceId.startsWith(prefix))?.[1];
    return RefusalBody.parse(r.body).flatMap((e) => packagePathsOf(e, object));
  });
  if (missing.length > 0) throw packageMissing(missing);
  for (const r of responses) {
    const failed = r.httpStatusCode >= 400;
    const errors = failed ? RefusalBody.parse(r.body) : [];
    if (r.referenceId.startsWith("leadvalues_")) {
      if (failed) leadValuesKnown = false;
      else for (const row of QueryAnswer.parse(r.body).records) extra.set(String(row.Id), row);
      continue;
    }
    if (failed) return { ok: false, referenceId: r.referenceId, status: r.httpStatusCode, codes: errors.map((e) => e.errorCode) };
    if (r.referenceId.startsWith("describe_")) {
      describes.set(r.referenceId === "describe_Lead" ? "Lead" : "Conversation", fieldsOf(ObjectDescribe.parse(r.body)));
    } else if (r.referenceId.startsWith("contacts_")) {
      const answer = QueryAnswer.parse(r.body);
      for (const row of answer.records) {
        const c = ContactRow.parse(row);
        contacts.push({ Id: c.Id, Email: c.Email ?? null });
      }
    } else if (r.referenceId.startsWith("conversations_")) {
      for (const row of QueryAnswer.parse(r.body).records) {
        const e = existingConversation(row);
        existing.set(e.conversationId, e);
      }
    } else if (r.referenceId.startsWith("leads_")) {
      const answer = QueryAnswer.parse(r.body);
      for (const row of answer.records) {
        const l = LeadRow.parse(row);
        if (!leads.has(l.Id)) leads.set(l.Id, { ...l, Email: l.Email ?? null, IsConverted: l.IsConverted ?? false, ConvertedContactId: l.ConvertedContactId ?? null });
      }
    }
  }
  for (const [id, values] of extra) {
    const lead = leads.get(id);
    if (lead) leads.set(id, { ...values, ...lead });
  }
  return { ok: true, result: { contacts, leads: [...leads.values()], describes, leadValuesKnown, existing } };
}
