// The dead-letter queue's consumer: an event whose retries are exhausted is marked
// dead in D1, where it is kept with its last error for a re-drive.
import type { Bindings } from "../env.ts";
import { QueueMessage } from "../env.ts";
import { setStatus } from "../events/store.ts";
import { log } from "../log.ts";

export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Bindings, now = new Date()): Promise<void> {
  const ids: string[] = [];
  for (const message of batch.messages) {
    const body = QueueMessage.safeParse(message.body);
    if (body.success) ids.push(body.data.eventId);
    else log.error("dlq.malformed_message", { messageId: message.id });
  }
  if (ids.length > 0) await env.DB.batch(setStatus(env.DB, ids, "dead", now, "retries_exhausted"));
  for (const id of ids) log.error("event.dead", { eventId: id });
  batch.ackAll();
}
