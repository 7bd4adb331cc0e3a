// The transactions attributed to a conversation as D1 keeps them (conversations.transactions,
// written by state.ts from transaction.attributed), read back as the planner takes them.
import * as z from "zod";
import type { PlanTransaction } from "../salesforce/outcomes.ts";

export const StoredTransactions: z.ZodType<PlanTransaction[], unknown> = z
  .array(z.looseObject({ transactionId: z.string(), externalId: z.string(), amount: z.number(), source: z.string(), receivedAt: z.string() }))
  .transform((list) => list.map(({ transactionId, externalId, amount, source, receivedAt }) => ({ transactionId, externalId, amount, source, receivedAt })));

/** The stored list, or none when the column is empty or unreadable (for views that must not fail on it). */
export function transactionsOrNone(text: string | null | undefined): PlanTransaction[] {
  if (!text) return [];
  try {
    const parsed = StoredTransactions.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}
