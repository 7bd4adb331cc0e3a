// Conversation records already in Salesforce, found by their external id (the iAdvize
// conversation id), for conversations whose D1 row never saw their push or close: a late
// survey answer or transaction after the row was deleted by the retention, or a backfill
// of a conversation synced long ago. Such a record is not written again in full (D1 no
// longer knows its visitor, operators or earlier answers): only what the late events
// add, merged with what the record holds. Pure: data in, records out.
import * as z from "zod";
import type { Fields } from "./describe.ts";
import { cut } from "./mapping.ts";
import { CONVERSATION } from "./model.ts";
import { satisfactionFields, transactionFields } from "./outcomes.ts";
import type { PlanTransaction } from "./outcomes.ts";
import { satisfactionText } from "./plan.ts";

export interface ExistingConversation {
  conversationId: string;
  csat: number | null;
  nps: number | null;
  comment: string | null;
  /** The lines of Transactions__c that still parse (the field may have been cut). */
  transactions: PlanTransaction[];
  total: number | null;
  count: number | null;
}

export const EXISTING_FIELDS = [
  CONVERSATION.conversationId,
  CONVERSATION.csat,
  CONVERSATION.nps,
  CONVERSATION.satisfactionComment,
  CONVERSATION.transactions,
  CONVERSATION.transactionTotal,
  CONVERSATION.transactionCount,
] as const;

const Row = z.looseObject({
  [CONVERSATION.conversationId]: z.string(),
  [CONVERSATION.csat]: z.number().nullable().optional(),
  [CONVERSATION.nps]: z.number().nullable().optional(),
  [CONVERSATION.satisfactionComment]: z.string().nullable().optional(),
  [CONVERSATION.transactions]: z.string().nullable().optional(),
  [CONVERSATION.transactionTotal]: z.number().nullable().optional(),
  [CONVERSATION.transactionCount]: z.number().nullable().optional(),
});

/** One line as transactionFields writes it: receivedAt | transactionId | amount | source [| externalId]. */
function parseLine(line: string): PlanTransaction | undefined {
  const [receivedAt, transactionId, amount, source, externalId] = line.split(" | ");
  const value = Number(amount);
  if (!receivedAt || !transactionId || !source || !Number.isFinite(value)) return undefined;
  return { receivedAt, transactionId, amount: value, source, externalId: externalId ?? "" };
}

export function existingConversation(row: Record<string, unknown>): ExistingConversation {
  const r = Row.parse(row);
  const lines = (r[CONVERSATION.transactions] ?? "").split("\n").filter(Boolean);
  return {
    conversationId: r[CONVERSATION.conversationId],
    csat: r[CONVERSATION.csat] ?? null,
    nps: r[CONVERSATION.nps] ?? null,
    comment: r[CONVERSATION.satisfactionComment] ?? null,
    transactions: lines.flatMap((l) => parseLine(l) ?? []),
    total: r[CONVERSATION.transactionTotal] ?? null,
    count: r[CONVERSATION.transactionCount] ?? null,
  };
}

export interface LateConversation {
  conversationId: string;
  satisfaction: Record<string, unknown> | null;
  transactions: readonly PlanTransaction[];
}

const cents = (n: number) => Math.round(n * 100);

/**
 * The upsert that adds a late conversation's survey answers and new transactions to its
 * existing record, the rest of the record untouched; null when it adds nothing.
 */
export function mergedRecord(late: LateConversation, existing: ExistingConversation, fields: Fields | undefined): Record<string, unknown> | null {
  const record: Record<string, unknown> = { attributes: { type: CONVERSATION.object }, [CONVERSATION.conversationId]: late.conversationId };
  const answers = satisfactionFields(late.satisfaction, fields?.get(CONVERSATION.satisfactionComment)?.length ?? 0);
  if (Object.keys(answers).length > 0) {
    Object.assign(record, answers);
    const merged = { customerSatisfaction: existing.csat, netPromoterScore: existing.nps, satisfactionComment: existing.comment, ...late.satisfaction };
    const text = satisfactionText(merged);
    if (text) record[CONVERSATION.satisfaction] = cut(text, fields?.get(CONVERSATION.satisfaction)?.length ?? 0);
  }
  const known = new Set(existing.transactions.map((t) => t.transactionId));
  const added = late.transactions.filter((t) => !known.has(t.transactionId));
  if (added.length > 0) {
    Object.assign(record, transactionFields([...existing.transactions, ...added], fields?.get(CONVERSATION.transactions)?.length ?? 0));
    // Total and count from the record's own numbers: its list may have been cut.
    const total = existing.total ?? existing.transactions.reduce((s, t) => s + t.amount, 0);
    record[CONVERSATION.transactionTotal] = (cents(total) + added.reduce((s, t) => s + cents(t.amount), 0)) / 100;
    record[CONVERSATION.transactionCount] = (existing.count ?? existing.transactions.length) + added.length;
  }
  return Object.keys(record).length > 2 ? record : null;
}
