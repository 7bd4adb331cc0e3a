// What to write to Salesforce for a batch of conversations, decided from what the batch
// read there: pure, data in, data out. Per conversation: a Contact with the visitor's
// email → link to it, no Lead; else a Lead (not converted) with that visitor id or
// email → update it; else a converted Lead → link to its Contact; else a new Lead,
// when the visitor left an email or a phone (or the tenant wants one anyway).
import type { Fields } from "./describe.ts";
import { coerce, cut } from "./mapping.ts";
import type { UsableMapping } from "./mapping.ts";
import { CONVERSATION, LEAD } from "./model.ts";
import { CONVERSATION_DEFLECTION } from "./deflection-fields.ts";
import { latestAmount, satisfactionFields, transactionFields } from "./outcomes.ts";
import type { PlanTransaction } from "./outcomes.ts";
import { TRANSACTION_LATEST_AMOUNT } from "./config.ts";
import type { Contact } from "../qualification/contact.ts";
import type { Extraction } from "../qualification/extract.ts";

/** One conversation to write, as this planner needs it (the sync builds it from iAdvize and D1). */
export interface PlanConversation {
  conversationId: string;
  visitorId: string;
  tenantId: string;
  channel: string | null;
  startedAt: string | null;
  closedAt: string | null;
  operatorIds: number[];
  satisfaction: Record<string, unknown> | null;
  /** The transactions iAdvize attributed to the conversation. */
  transactions: readonly PlanTransaction[];
  /** The conversation's latest chat-to-call escalation, if any. */
  escalation: { status: string; reason: string | null; reference: string | null; requestedAt: string } | null;
  /** The IVR call this messaging conversation came from, if any (deflection/link.ts). */
  deflection?: { id: string; at: string; reason: string | null; channel: string | null } | null;
  read: {
    conversation: {
      channel: string | null;
      createdAt: string;
      closedAt: string | null;
      visitor: { firstName: string | null; lastName: string | null } | null;
    };
    extraction: Extraction;
    transcript: { text: string };
    contact: Contact;
  };
}

export interface ExistingLead {
  Id: string;
  Email: string | null;
  IsConverted: boolean;
  ConvertedContactId: string | null;
  [field: string]: unknown;
}

export interface ExistingContact {
  Id: string;
  Email: string | null;
}

export interface LeadSettings {
  leadSource: string;
  fallbackLastName: string;
  fallbackCompany: string;
  createLeadWithoutContact: boolean;
}

export type Link = { kind: "contact"; id: string } | { kind: "lead"; id: string } | { kind: "new_lead"; visitorId: string } | { kind: "none" };
/** `existing_record`: a late event merged into the record Salesforce already had (salesforce/existing.ts). */
export type Match = "contact" | "lead" | "converted_lead" | "new_lead" | "no_contact_details" | "existing_record";

export interface Warning {
  code: string;
  tag?: string;
  field?: string;
}

export interface Plan {
  newLeads: { visitorId: string; record: Record<string, unknown> }[];
  leadUpdates: { id: string; record: Record<string, unknown> }[];
  conversations: { conversationId: string; link: Link; record: Record<string, unknown> }[];
  outcomes: Map<string, { match: Match; warnings: Warning[] }>;
}

export interface PlanInput {
  items: readonly PlanConversation[];
  contacts: readonly ExistingContact[];
  leads: readonly ExistingLead[];
  mapping: readonly UsableMapping[];
  describes: { Lead: Fields | undefined; Conversation: Fields | undefined };
  settings: LeadSettings;
  /** False when the current values of the mapped Lead fields could not be read: only overwritable fields are then updated. */
  leadValuesKnown: boolean;
}

const empty = (v: unknown) => v === null || v === undefined || v === "";
const lower = (s: string | null | undefined) => (s ? s.toLowerCase() : undefined);

/** Values of the mapped fields of one object, from one conversation's answers. */
function mappedValues(item: PlanConversation, mapping: readonly UsableMapping[], object: "Lead" | "Conversation", warnings: Warning[]) {
  const values = new Map<string, { value: string | number | boolean; overwrite: boolean }>();
  for (const m of mapping) {
    if (m.object !== object) continue;
    const answer = sourceValue(item, m.tag);
    if (answer === undefined) continue;
    const coerced = coerce(answer, m.describe);
    if (coerced.ok) values.set(m.field, { value: coerced.value, overwrite: m.overwrite });
    else warnings.push({ code: coerced.problem, tag: m.tag, field: m.field });
  }
  return values;
}

/** What a mapping source holds for one conversation: a tagged answer, or the latest transaction's amount. */
function sourceValue(item: PlanConversation, source: string): string | undefined {
  if (source === TRANSACTION_LATEST_AMOUNT) return latestAmount(item.transactions)?.toFixed(2);
  return item.read.extraction.answers[source]?.answer;
}

function fit(fields: Fields | undefined, name: string, value: string): string {
  return cut(value, fields?.get(name)?.length ?? 0);
}

export function buildPlan(input: PlanInput): Plan {
  const { items, settings, describes } = input;
  const contactByEmail = new Map<string, ExistingContact>();
  for (const c of input.contacts) {
    const key = lower(c.Email);
    if (key && !contactByEmail.has(key)) contactByEmail.set(key, c);
  }
  // The query returns the most recently modified first: the first seen is preferred.
  const byVisitor = new Map<string, ExistingLead[]>();
  const byEmail = new Map<string, ExistingLead[]>();
  const claimedVisitorIds = new Set<string>();
  for (const lead of input.leads) {
    const v = lead[LEAD.visitorId];
    if (typeof v === "string" && v) {
      byVisitor.set(v, [...(byVisitor.get(v) ?? []), lead]);
      claimedVisitorIds.add(v);
    }
    const e = lower(lead.Email);
    if (e) byEmail.set(e, [...(byEmail.get(e) ?? []), lead]);
  }

  const newLeads = new Map<string, { visitorId: string; record: Record<string, unknown> }>();
  const leadUpdates = new Map<string, Record<string, unknown>>();
  const leadsById = new Map(input.leads.map((l) => [l.Id, l]));
  const conversations: Plan["conversations"] = [];
  const outcomes: Plan["outcomes"] = new Map();

  // Later conversations are applied last, so that an overwritable field ends with the latest answer.
  const ordered = [...items].sort((a, b) => (a.closedAt ?? "").localeCompare(b.closedAt ?? ""));
  for (const item of ordered) {
    const warnings: Warning[] = [];
    const email = item.read.contact.email?.value;
    const phone = item.read.contact.phone?.value;
    const leadValues = mappedValues(item, input.mapping, "Lead", warnings);
    const conversationValues = mappedValues(item, input.mapping, "Conversation", warnings);
    const emailKey = lower(email);

    let link: Link;
    let match: Match;
    const candidates = [...(byVisitor.get(item.visitorId) ?? []), ...(emailKey ? byEmail.get(emailKey) ?? [] : [])];
    const open = candidates.find((l) => !l.IsConverted);
    const converted = candidates.find((l) => l.IsConverted && l.ConvertedContactId);
    const contact = emailKey ? contactByEmail.get(emailKey) : undefined;

    if (contact) {
      link = { kind: "contact", id: contact.Id };
      match = "contact";
    } else if (open) {
      link = { kind: "lead", id: open.Id };
      match = "lead";
      const update = leadUpdates.get(open.Id) ?? {};
      const current = (field: string) => (field in update ? update[field] : leadsById.get(open.Id)?.[field]);
      for (const [field, { value, overwrite }] of leadValues) {
        const fillable = input.leadValuesKnown && empty(current(field));
        if ((overwrite || fillable) && current(field) !== value) update[field] = value;
      }
      if (email && empty(current("Email"))) update.Email = fit(describes.Lead, "Email", email);
      if (phone && empty(current("Phone"))) update.Phone = fit(describes.Lead, "Phone", phone);
      if (empty(current(LEAD.visitorId)) && !claimedVisitorIds.has(item.visitorId)) {
        update[LEAD.visitorId] = item.visitorId;
        claimedVisitorIds.add(item.visitorId);
      }
      if (Object.keys(update).length > 0) leadUpdates.set(open.Id, update);
    } else if (converted?.ConvertedContactId) {
      link = { kind: "contact", id: converted.ConvertedContactId };
      match = "converted_lead";
    } else if (email || phone || settings.createLeadWithoutContact) {
      // One new Lead per person in the batch: by email when there is one, else by visitor.
      const key = emailKey ?? `visitor:${item.visitorId}`;
      const existing = newLeads.get(key);
      if (existing) {
        for (const [field, { value, overwrite }] of leadValues) {
          if (overwrite || empty(existing.record[field])) existing.record[field] = value;
        }
        link = { kind: "new_lead", visitorId: existing.visitorId };
      } else {
        const visitor = item.read.conversation.visitor;
        const record: Record<string, unknown> = {
          attributes: { type: LEAD.object },
          [LEAD.visitorId]: item.visitorId,
          LeadSource: settings.leadSource,
          LastName: fit(describes.Lead, "LastName", visitor?.lastName || settings.fallbackLastName),
          Company: fit(describes.Lead, "Company", settings.fallbackCompany),
        };
        if (visitor?.firstName) record.FirstName = fit(describes.Lead, "FirstName", visitor.firstName);
        if (email) record.Email = fit(describes.Lead, "Email", email);
        if (phone) record.Phone = fit(describes.Lead, "Phone", phone);
        for (const [field, { value }] of leadValues) record[field] = value;
        newLeads.set(key, { visitorId: item.visitorId, record });
        link = { kind: "new_lead", visitorId: item.visitorId };
      }
      match = "new_lead";
    } else {
      link = { kind: "none" };
      match = "no_contact_details";
    }

    conversations.push({ conversationId: item.conversationId, link, record: conversationRecord(item, link, conversationValues, describes.Conversation) });
    outcomes.set(item.conversationId, { match, warnings });
  }

  return {
    newLeads: [...newLeads.values()],
    leadUpdates: [...leadUpdates].map(([id, record]) => ({ id, record: { attributes: { type: LEAD.object }, Id: id, ...record } })),
    conversations,
    outcomes,
  };
}

export function satisfactionText(s: Record<string, unknown> | null): string | undefined {
  if (!s) return undefined;
  const parts: string[] = [];
  if (typeof s.customerSatisfaction === "number") parts.push(`CSAT ${s.customerSatisfaction}`);
  if (typeof s.netPromoterScore === "number") parts.push(`NPS ${s.netPromoterScore}`);
  if (typeof s.satisfactionComment === "string" && s.satisfactionComment) parts.push(`"${s.satisfactionComment}"`);
  return parts.length > 0 ? parts.join("; ") : undefined;
}

export function linkFields(link: Link): Record<string, unknown> {
  switch (link.kind) {
    case "contact":
      return { [CONVERSATION.contact]: link.id };
    case "lead":
      return { [CONVERSATION.lead]: link.id };
    case "new_lead":
      return { [CONVERSATION.leadRelationship]: { [LEAD.visitorId]: link.visitorId } };
    case "none":
      return {};
  }
}

function conversationRecord(item: PlanConversation, link: Link, mapped: Map<string, { value: string | number | boolean }>, fields: Fields | undefined): Record<string, unknown> {
  const { extraction, transcript } = item.read;
  const text = (name: string, value: string) => fit(fields, name, value);
  const record: Record<string, unknown> = {
    attributes: { type: CONVERSATION.object },
    [CONVERSATION.conversationId]: item.conversationId,
    [CONVERSATION.visitorId]: item.visitorId,
    [CONVERSATION.project]: item.tenantId,
    [CONVERSATION.channel]: item.channel ?? item.read.conversation.channel,
    [CONVERSATION.startedAt]: item.startedAt ?? item.read.conversation.createdAt,
    [CONVERSATION.closedAt]: item.closedAt ?? item.read.conversation.closedAt,
    [CONVERSATION.operators]: text(CONVERSATION.operators, item.operatorIds.join(", ")),
    [CONVERSATION.transcript]: text(CONVERSATION.transcript, transcript.text),
    [CONVERSATION.answers]: text(CONVERSATION.answers, JSON.stringify(extraction.answers)),
    [CONVERSATION.unanswered]: text(CONVERSATION.unanswered, extraction.unanswered.join(", ")),
    ...linkFields(link),
  };
  const satisfaction = satisfactionText(item.satisfaction);
  if (satisfaction) record[CONVERSATION.satisfaction] = text(CONVERSATION.satisfaction, satisfaction);
  Object.assign(record, satisfactionFields(item.satisfaction, fields?.get(CONVERSATION.satisfactionComment)?.length ?? 0));
  Object.assign(record, transactionFields(item.transactions, fields?.get(CONVERSATION.transactions)?.length ?? 0));
  if (item.escalation) {
    record[CONVERSATION.callbackRequestedAt] = item.escalation.requestedAt;
    record[CONVERSATION.callbackOutcome] = text(CONVERSATION.callbackOutcome, item.escalation.reason ? `${item.escalation.status}: ${item.escalation.reason}` : item.escalation.status);
    if (item.escalation.reference) record[CONVERSATION.callbackReference] = text(CONVERSATION.callbackReference, item.escalation.reference);
  }
  if (item.deflection) Object.assign(record, deflectionFields(item.deflection, text));
  for (const [field, { value }] of mapped) record[field] = value;
  return record;
}

/** The Conversation record's IVR fields: it started from a call moved to messaging, when and why. */
function deflectionFields(d: NonNullable<PlanConversation["deflection"]>, text: (name: string, value: string) => string): Record<string, unknown> {
  return {
    [CONVERSATION_DEFLECTION.id]: d.id,
    [CONVERSATION_DEFLECTION.at]: d.at,
    ...(d.reason ? { [CONVERSATION_DEFLECTION.reason]: text(CONVERSATION_DEFLECTION.reason, d.reason) } : {}),
    ...(d.channel ? { [CONVERSATION_DEFLECTION.channel]: d.channel } : {}),
  };
}
