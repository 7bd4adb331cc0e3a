// The queues as wrangler.toml declares them: their names, what each message carries,
// and what a consumer may retry.
import * as z from "zod";
import { KnownEvent } from "./events/schema.ts";
import { backoffMs } from "./lib/backoff.ts";

export const CONVERSATION_QUEUE = "conversation-work";
export const DEAD_LETTER_QUEUE = "conversation-work-dlq";
export const SYNC_QUEUE = "crm-sync";
export const SYNC_DEAD_LETTER_QUEUE = "crm-sync-dlq";

/**
 * What the conversation queue carries: a new event as received (the intake writes
 * nothing else), or a pointer to an event already kept in D1 (re-drives).
 */
export const QueueMessage = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("event"),
    tenantId: z.string().min(1),
    event: KnownEvent,
    correlationId: z.string().nullable(),
    deliveryId: z.string().nullable(),
    receivedAt: z.iso.datetime(),
    /** The intake's request id, so the consumer's `events.received` line leads from a request to its event. */
    requestId: z.string().min(1).max(128).optional(),
  }),
  z.object({ kind: z.literal("stored"), tenantId: z.string().min(1), eventId: z.string().min(1) }),
]);
export type QueueMessage = z.infer<typeof QueueMessage>;

/**
 * What the CRM sync queue carries: a tenant with conversations waiting to be synced.
 * `busy`: sent while the conversation queue delivers full batches (a burst under way):
 * the run waits for a full collection, or for the burst to end, rather than go at once.
 */
export const SyncMessage = z.object({ tenantId: z.string().min(1), busy: z.boolean().optional() });
export type SyncMessage = z.infer<typeof SyncMessage>;

/** The conversation queue's `max_batch_size` in wrangler.toml: a batch this full means more is coming. */
export const CONVERSATION_BATCH_MAX = 100;

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
