// What a conversation led to, as fields of its Conversation record: the visitor's latest
// survey answer of each kind (numbers for the scores, so they can be reported on) and
// the transactions iAdvize attributed to it (one line each, their total and count).
// Pure: data in, fields out.
import { cut } from "./mapping.ts";
import { CONVERSATION } from "./model.ts";

export interface PlanTransaction {
  transactionId: string;
  externalId: string;
  amount: number;
  source: string;
  receivedAt: string;
}

/** Money is added in cents: 0.1 + 0.2 is 0.3 here. */
const sum = (amounts: readonly number[]) => amounts.reduce((total, a) => total + Math.round(a * 100), 0) / 100;

export const byTime = (list: readonly PlanTransaction[]) =>
  [...list].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.transactionId.localeCompare(b.transactionId));

/** The amount of the transaction received last, if any. */
export function latestAmount(list: readonly PlanTransaction[]): number | undefined {
  return byTime(list).at(-1)?.amount;
}

export function transactionFields(list: readonly PlanTransaction[], length: number): Record<string, unknown> {
  if (list.length === 0) return {};
  const lines = byTime(list).map((t) => [t.receivedAt, t.transactionId, t.amount.toFixed(2), t.source, ...(t.externalId ? [t.externalId] : [])].join(" | "));
  return {
    [CONVERSATION.transactions]: cut(lines.join("\n"), length),
    [CONVERSATION.transactionTotal]: sum(list.map((t) => t.amount)),
    [CONVERSATION.transactionCount]: list.length,
  };
}

export function satisfactionFields(s: Record<string, unknown> | null, commentLength: number): Record<string, unknown> {
  if (!s) return {};
  const fields: Record<string, unknown> = {};
  if (typeof s.customerSatisfaction === "number") fields[CONVERSATION.csat] = s.customerSatisfaction;
  if (typeof s.netPromoterScore === "number") fields[CONVERSATION.nps] = s.netPromoterScore;
  if (typeof s.satisfactionComment === "string" && s.satisfactionComment) fields[CONVERSATION.satisfactionComment] = cut(s.satisfactionComment, commentLength);
  return fields;
}
