// The mapping preview: exactly what the sync would write for one conversation (the Lead
// and the Conversation record, each value fitted to its field), from what the sync would
// read (the conversation as readConversation reads it, the org's Leads and Contacts as
// readFromSalesforce reads them), planned by the sync's own planner (buildPlan). Reads
// only: nothing is written.
import { deflectionLink } from "../deflection/link.ts";
import { transactionsOrNone } from "../conversations/transactions.ts";
import { latestForConversation } from "../escalation/store.ts";
import type { Config } from "../env.ts";
import { iadvizeClientFor } from "../iadvize/for-tenant.ts";
import { resolveContact } from "../qualification/contact.ts";
import type { Extraction } from "../qualification/extract.ts";
import { extractAnswers } from "../qualification/extract.ts";
import type { ChatMessage } from "../qualification/messages.ts";
import { DEFAULT_TRANSCRIPT_LIMIT, buildTranscript } from "../qualification/transcript.ts";
import { salesforceApiFor } from "../salesforce/for-tenant.ts";
import type { Link, Match, Warning } from "../salesforce/plan.ts";
import { recordUsage } from "../salesforce/usage.ts";
import type { ConversationForCrm, SyncItem } from "../sync/item.ts";
import { readConversation } from "../sync/read-conversation.ts";
import { planFromRead, readFromSalesforce } from "../sync/read-salesforce.ts";
import type { TenantConfig } from "../tenants/schema.ts";

/** A pasted export has no id in iAdvize: the records show this instead. */
export const EXPORT_ID = "(export)";

export type PreviewSource = { kind: "conversation"; id: string } | { kind: "export"; messages: ChatMessage[] };

export interface PlannedRecords {
  /** The Lead created, the Lead updated (only the fields that change), or none (the conversation goes to a Contact). */
  lead: { kind: "new"; record: Record<string, unknown> } | { kind: "update"; id: string; record: Record<string, unknown> } | { kind: "none" };
  conversation: Record<string, unknown>;
  /** What the Conversation record points to: a Contact, an existing Lead, the new Lead, or nothing. */
  link: Link;
  match: Match;
  warnings: Warning[];
}

/** The conversation as the sync would read it; null when iAdvize does not know it for this project. */
export async function readForPreview(db: D1Database, config: Pick<Config, "IADVIZE_API_URL" | "ENCRYPTION_KEY">, tenantId: string, tenant: TenantConfig, source: PreviewSource): Promise<SyncItem | null> {
  if (source.kind === "export") return exportItem(tenantId, tenant, source.messages);
  if (!tenant.iadvize) return null;
  const read = await readConversation(iadvizeClientFor(db, config, tenantId, tenant), source.id, tenant.mapping);
  if (!read) return null;
  // What the connector's own events stored about it, as the sync takes them from D1.
  const row = await db
    .prepare(`SELECT visitor_id, channel, started_at, closed_at, operator_ids, satisfaction, transactions FROM conversations WHERE tenant_id = ?1 AND conversation_id = ?2`)
    .bind(tenantId, source.id)
    .first<{ visitor_id: string | null; channel: string | null; started_at: string | null; closed_at: string | null; operator_ids: string; satisfaction: string | null; transactions: string | null }>();
  const e = await latestForConversation(db, tenantId, source.id);
  return {
    conversationId: source.id,
    visitorId: row?.visitor_id ?? source.id,
    tenantId,
    channel: row?.channel ?? null,
    startedAt: row?.started_at ?? null,
    closedAt: row?.closed_at ?? null,
    operatorIds: jsonOr(row?.operator_ids, (v): v is number[] => Array.isArray(v) && v.every((n) => typeof n === "number"), []),
    satisfaction: jsonOr(row?.satisfaction, (v): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v), null),
    transactions: transactionsOrNone(row?.transactions),
    escalation: e ? { status: e.status, reason: e.reason, reference: e.provider_ref, requestedAt: e.created_at } : null,
    // The IVR link as the sync finds it; the preview records nothing on the deflection.
    deflection: (await deflectionLink(db, config.ENCRYPTION_KEY, tenantId, tenant.deflection, { conversationId: source.id, channel: row?.channel ?? read.conversation.channel, startedAt: row?.started_at ?? read.conversation.createdAt, phone: read.contact.phone?.value }))?.link ?? null,
    read,
  };
}

function jsonOr<T>(text: string | null | undefined, is: (v: unknown) => v is T, fallback: T): T {
  if (!text) return fallback;
  try {
    const v: unknown = JSON.parse(text);
    return is(v) ? v : fallback;
  } catch {
    return fallback;
  }
}

/** A pasted export read as the sync reads a conversation: no visitor profile, no custom data. */
function exportItem(tenantId: string, tenant: TenantConfig, messages: ChatMessage[]): SyncItem {
  const extraction: Extraction = extractAnswers(messages);
  const createdAt = messages[0]?.createdAt ?? new Date(0).toISOString();
  const read: ConversationForCrm = {
    conversation: { id: EXPORT_ID, createdAt, closedAt: messages.at(-1)?.createdAt ?? null, channel: "CHAT", language: null, visitor: null, customData: {}, messages, unknownMessages: { count: 0, types: [] } },
    extraction,
    transcript: buildTranscript(messages, DEFAULT_TRANSCRIPT_LIMIT),
    contact: resolveContact(null, {}, extraction.answers, tenant.mapping),
    needsAttention: null,
  };
  return { conversationId: EXPORT_ID, visitorId: EXPORT_ID, tenantId, channel: null, startedAt: null, closedAt: null, operatorIds: [], satisfaction: null, transactions: [], escalation: null, deflection: null, read };
}

/** Reads the org as a sync run would for this one conversation, and plans its writes; the calls count in the day's usage. */
export async function planForPreview(db: D1Database, config: Pick<Config, "ENCRYPTION_KEY">, tenantId: string, tenant: TenantConfig, item: SyncItem, now: Date): Promise<PlannedRecords> {
  const settings = tenant.salesforce;
  if (!settings) throw new Error("planForPreview needs a Salesforce connection");
  const api = salesforceApiFor(db, config, tenantId, tenant);
  try {
    const sf = await readFromSalesforce(api, db, tenantId, tenant, [item], now);
    const plan = planFromRead([item], sf, settings);
    const outcome = plan.outcomes.get(item.conversationId);
    const created = plan.newLeads[0];
    const updated = plan.leadUpdates[0];
    return {
      lead: created ? { kind: "new", record: created.record } : updated ? { kind: "update", id: updated.id, record: updated.record } : { kind: "none" },
      conversation: plan.conversations[0]?.record ?? {},
      link: plan.conversations[0]?.link ?? { kind: "none" },
      match: outcome?.match ?? "no_contact_details",
      warnings: [...(outcome?.warnings ?? []), ...sf.mapping.problems.map((p) => ({ code: `mapping_${p.problem}`, tag: p.tag, field: p.field }))],
    };
  } finally {
    if (api.calls > 0) await recordUsage(db, tenantId, api.calls, 0, api.usage, now).run();
  }
}
