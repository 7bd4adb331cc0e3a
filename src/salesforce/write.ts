// The writes of a batch, in as few calls as Salesforce allows: new Leads (through the
// assignment rules) with their conversations in one composite; updates of existing
// Leads (Sforce-Auto-Assign: FALSE, so no Lead changes owner) with the other
// conversations in a second one. A conversation whose new Lead was refused as a
// duplicate is attached to the record Salesforce names instead, or, when it names none,
// to the one a lookup finds. A refusal naming the connector's own package throws a
// ContractError: the batch waits, no conversation fails.
import type { SalesforceApi, SubResponse, Subrequest } from "./api.ts";
import { duplicateLinks, lookupRequests } from "./duplicates.ts";
import { API_VERSION, CONVERSATION, LEAD } from "./model.ts";
import { packageMissing, packagePathsInAnswer } from "./package.ts";
import type { Link, Match, Plan, Warning } from "./plan.ts";
import { linkFields } from "./plan.ts";
import { readAll } from "./read-all.ts";
import { collectionResults, duplicateLink, firstError, isTransient, isUnnamedDuplicate } from "./results.ts";
import type { RecordError, RecordResult } from "./results.ts";

export type Outcome =
  | { kind: "synced"; match: Match; sfConversationId: string | null; sfLeadId: string | null; sfContactId: string | null; warnings: Warning[] }
  | { kind: "retry"; error: RecordError }
  | { kind: "failed"; error: RecordError };

const COLLECTION_MAX = 200;
const base = `/services/data/v${API_VERSION}`;

/** The sObject each write subrequest is about, to read its errors. */
const OBJECT_OF: Record<string, string> = {
  newLeads: LEAD.object,
  leadUpdates: LEAD.object,
  newLeadConversations: CONVERSATION.object,
  conversations: CONVERSATION.object,
};

function assertPackage(responses: readonly SubResponse[]): void {
  const missing = responses.flatMap((r) => packagePathsInAnswer(r, OBJECT_OF[r.referenceId]));
  if (missing.length > 0) throw packageMissing(missing);
}

function upsertConversations(referenceId: string, records: Record<string, unknown>[]): Subrequest {
  return { method: "PATCH", url: `${base}/composite/sobjects/${CONVERSATION.object}/${CONVERSATION.conversationId}`, referenceId, body: { allOrNone: false, records } };
}

export async function writePlan(api: SalesforceApi, plan: Plan, assignment: true | string): Promise<Map<string, Outcome>> {
  if (plan.newLeads.length > COLLECTION_MAX || plan.conversations.length > COLLECTION_MAX || plan.leadUpdates.length > COLLECTION_MAX) {
    throw new Error(`a sync batch holds at most ${COLLECTION_MAX} records of a kind`);
  }
  const outcomes = new Map<string, Outcome>();
  const links = new Map(plan.conversations.map((c) => [c.conversationId, c.link]));
  const warnings = new Map([...plan.outcomes].map(([id, o]) => [id, [...o.warnings]]));
  const newLeadId = new Map<string, string>();
  // Why a new Lead was not created, per visitor key; and where its conversations go instead.
  const leadRefused = new Map<string, { error: RecordError; transient: boolean; relink: Link; unnamed: boolean }>();

  const viaNewLead = plan.conversations.filter((c) => c.link.kind === "new_lead");
  let later = plan.conversations.filter((c) => c.link.kind !== "new_lead");

  if (plan.newLeads.length > 0) {
    const subrequests: Subrequest[] = [
      { method: "POST", url: `${base}/composite/sobjects`, referenceId: "newLeads", body: { allOrNone: false, records: plan.newLeads.map((l) => l.record) } },
    ];
    if (viaNewLead.length > 0) subrequests.push(upsertConversations("newLeadConversations", viaNewLead.map((c) => c.record)));
    const responses = await api.composite(subrequests, { autoAssign: assignment });
    assertPackage(responses);
    const leads = collectionResults(responses.find((r) => r.referenceId === "newLeads"), plan.newLeads.length);
    plan.newLeads.forEach((lead, i) => {
      const result = leads[i] as RecordResult;
      if (result.success && result.id) {
        newLeadId.set(lead.visitorId, result.id);
        return;
      }
      const error = firstError(result);
      const duplicate = duplicateLink(result);
      // The visitor's Lead exists already (a retried run): the conversation's lookup by visitor id finds it.
      if (error.code === "DUPLICATE_VALUE" && error.fields.includes(LEAD.visitorId)) {
        if (duplicate?.kind === "lead" && !newLeadId.has(lead.visitorId)) newLeadId.set(lead.visitorId, duplicate.id);
        return;
      }
      leadRefused.set(lead.visitorId, { error, transient: isTransient(result), relink: duplicate ?? { kind: "none" }, unnamed: isUnnamedDuplicate(result) });
    });
    // Refused as duplicates of records Salesforce did not name: one lookup finds them.
    const unnamed = plan.newLeads.filter((l) => leadRefused.get(l.visitorId)?.unnamed);
    if (unnamed.length > 0) {
      const refused = unnamed.map((l) => ({ visitorId: l.visitorId, email: text(l.record.Email), phone: text(l.record.Phone) }));
      const found = duplicateLinks(await readAll(api, lookupRequests(refused)), refused);
      for (const [visitorId, link] of found) {
        const r = leadRefused.get(visitorId);
        if (r) leadRefused.set(visitorId, { ...r, relink: link });
      }
    }
    const convs = collectionResults(responses.find((r) => r.referenceId === "newLeadConversations"), viaNewLead.length);
    viaNewLead.forEach((c, i) => {
      const result = convs[i] as RecordResult;
      const visitorKey = c.link.kind === "new_lead" ? c.link.visitorId : "";
      const refused = leadRefused.get(visitorKey);
      if (refused?.transient) {
        outcomes.set(c.conversationId, { kind: "retry", error: refused.error });
      } else if (refused) {
        // Written again in the second call, attached to the duplicate or to nothing.
        links.set(c.conversationId, refused.relink);
        if (refused.relink.kind !== "none") warnings.get(c.conversationId)?.push({ code: "attached_to_duplicate" });
        if (refused.relink.kind === "none") warnings.get(c.conversationId)?.push({ code: `lead_not_created:${refused.error.code}`, ...(refused.error.fields[0] ? { field: refused.error.fields[0] } : {}) });
        const { [CONVERSATION.leadRelationship]: _, ...rest } = c.record;
        later = [...later, { ...c, link: refused.relink, record: { ...rest, ...linkFields(refused.relink) } }];
      } else {
        settle(c.conversationId, result);
      }
    });
  }

  const updates = plan.leadUpdates;
  if (updates.length > 0 || later.length > 0) {
    const subrequests: Subrequest[] = [];
    if (updates.length > 0) {
      subrequests.push({ method: "PATCH", url: `${base}/composite/sobjects`, referenceId: "leadUpdates", body: { allOrNone: false, records: updates.map((u) => u.record) } });
    }
    if (later.length > 0) subrequests.push(upsertConversations("conversations", later.map((c) => c.record)));
    const responses = await api.composite(subrequests, { autoAssign: false });
    assertPackage(responses);
    const updated = collectionResults(responses.find((r) => r.referenceId === "leadUpdates"), updates.length);
    const updateFailure = new Map<string, RecordResult>();
    updates.forEach((u, i) => {
      const result = updated[i] as RecordResult;
      if (!result.success) updateFailure.set(u.id, result);
    });
    const convs = collectionResults(responses.find((r) => r.referenceId === "conversations"), later.length);
    later.forEach((c, i) => {
      const link = links.get(c.conversationId);
      const failedUpdate = link?.kind === "lead" ? updateFailure.get(link.id) : undefined;
      if (failedUpdate && isTransient(failedUpdate)) {
        outcomes.set(c.conversationId, { kind: "retry", error: firstError(failedUpdate) });
        return;
      }
      if (failedUpdate) {
        const e = firstError(failedUpdate);
        warnings.get(c.conversationId)?.push({ code: `lead_not_updated:${e.code}`, ...(e.fields[0] ? { field: e.fields[0] } : {}) });
      }
      settle(c.conversationId, convs[i] as RecordResult);
    });
  }
  return outcomes;

  function text(value: unknown): string | undefined {
    return typeof value === "string" && value ? value : undefined;
  }

  function settle(conversationId: string, result: RecordResult): void {
    if (!result.success) {
      outcomes.set(conversationId, { kind: isTransient(result) ? "retry" : "failed", error: firstError(result) });
      return;
    }
    const link = links.get(conversationId) ?? { kind: "none" };
    const planned = plan.outcomes.get(conversationId)?.match ?? "no_contact_details";
    const relinked = planned === "new_lead" && link.kind !== "new_lead";
    outcomes.set(conversationId, {
      kind: "synced",
      match: relinked && link.kind === "lead" ? "lead" : relinked && link.kind === "contact" ? "contact" : planned,
      sfConversationId: result.id ?? null,
      sfLeadId: link.kind === "lead" ? link.id : link.kind === "new_lead" ? newLeadId.get(link.visitorId) ?? null : null,
      sfContactId: link.kind === "contact" ? link.id : null,
      warnings: warnings.get(conversationId) ?? [],
    });
  }
}
