// Which budget tier a conversation's sync belongs to: a backfilled one is history (it
// pauses first), an open one is a live follow-up, anything else is the sync on close.
export type BudgetTier = "backfill" | "follow_up" | "on_close";

export function tierOf(conversation: { origin: string; status: string }): BudgetTier {
  if (conversation.origin === "backfill") return "backfill";
  return conversation.status === "open" ? "follow_up" : "on_close";
}

/** The tier's threshold in the `pauseAt` setting. */
export const PAUSE_AT_KEY = { backfill: "backfill", follow_up: "followUp", on_close: "onClose" } as const;
