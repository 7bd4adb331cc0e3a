// When a conversation that failed on its own is tried again: a delay growing with each
// attempt, and a give-up only once it has kept failing for the whole window (72 h by
// default), whatever the number of runs meanwhile. Pure: data in, decision out.
import { backoffMs } from "../lib/backoff.ts";
import type { Backoff } from "../lib/backoff.ts";

export const CONVERSATION_BACKOFF: Backoff = { baseMs: 30_000, capMs: 3_600_000 };

export type RetryDecision = { kind: "retry"; dueAt: Date } | { kind: "give_up"; failingSince: string };

export function retryDecision(
  previous: { attempts: number; failingSince: string | null },
  now: Date,
  giveUpAfterMs: number,
): RetryDecision {
  const since = previous.failingSince ?? now.toISOString();
  if (now.getTime() - Date.parse(since) >= giveUpAfterMs) return { kind: "give_up", failingSince: since };
  return { kind: "retry", dueAt: new Date(now.getTime() + backoffMs(previous.attempts + 1, CONVERSATION_BACKOFF)) };
}
