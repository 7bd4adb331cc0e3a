// The dead-letter queue's consumer: an event whose retries are exhausted is kept in D1,
// marked dead with its last error, for a re-drive. A new event that never reached D1
// is recorded first, so nothing that reaches this queue is lost.
import type { Bindings } from "../env.ts";
import { QueueMessage } from "../queues.ts";
import { insertEventStatement, newEventOf, setStatus } from "../events/store.ts";
import { log } from "../log.ts";
import { byTenantDb } from "../tenants/placement.ts";

export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Bindings, now = new Date()): Promise<void> {
  const messages: QueueMessage[] = [];
  for (const message of batch.messages) {
    const body = QueueMessage.safeParse(message.body);
    if (!body.success) {
      log.error("dlq.malformed_message", { messageId: message.id });
      continue;
    }
    messages.push(body.data);
  }
  for (const [db, group] of byTenantDb(env, messages, (m) => m.tenantId)) {
    const statements: D1PreparedStatement[] = [];
    const ids: string[] = [];
    for (const m of group) {
      if (m.kind === "event") {
        ids.push(m.event.eventId);
        statements.push(insertEventStatement(db, newEventOf(m)));
      } else {
        ids.push(m.eventId);
      }
    }
    const all = [...statements, ...(ids.length > 0 ? setStatus(db, ids, "dead", now, "retries_exhausted") : [])];
    if (all.length > 0) await db.batch(all);
    for (const id of ids) log.error("event.dead", { eventId: id });
  }
  batch.ackAll();
}
