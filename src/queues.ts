// Queue names as wrangler.toml declares them, and what a consumer may retry.
import { backoffMs } from "./lib/backoff.ts";

export const CONVERSATION_QUEUE = "conversation-work";
export const DEAD_LETTER_QUEUE = "conversation-work-dlq";
export const SYNC_QUEUE = "crm-sync";
export const SYNC_DEAD_LETTER_QUEUE = "crm-sync-dlq";

/** Cloudflare Queues take at most 100 messages per sendBatch. */
export const SEND_BATCH_MAX = 100;

/** Exponential backoff for a retried message: 2, 4, 8 … seconds, capped at 15 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return backoffMs(Math.max(1, attempts) + 1, { baseMs: 1000, capMs: 900_000 }) / 1000;
}

export async function enqueueAll<T>(queue: Queue<T>, bodies: readonly T[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += SEND_BATCH_MAX) {
    await queue.sendBatch(bodies.slice(i, i + SEND_BATCH_MAX).map((body) => ({ body })));
  }
}
