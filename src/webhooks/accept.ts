// The durable hand-off of a verified event: the queue first, D1 if the queue fails.
// Either one keeps the event; only when both fail is iAdvize asked to retry.
// Duplicates are recognised by the consumer, which records each event once.
import type { Bindings } from "../env.ts";
import type { QueueMessage } from "../queues.ts";
import { AppError } from "../errors.ts";
import { insertEvent } from "../events/store.ts";
import { errorFields, log } from "../log.ts";
import type { KnownEvent } from "../events/schema.ts";
import { tenantIdOf } from "../events/schema.ts";
import { tenantDb } from "../tenants/placement.ts";

export interface Delivery {
  correlationId: string | undefined;
  deliveryId: string | undefined;
  receivedAt: Date;
  /** The request that delivered it: carried to the consumer, which logs it with the event id. */
  requestId: string | undefined;
}

export async function acceptEvent(env: Bindings, event: KnownEvent, delivery: Delivery): Promise<void> {
  const tenantId = tenantIdOf(event);
  const message: QueueMessage = {
    kind: "event",
    tenantId,
    event,
    correlationId: delivery.correlationId ?? null,
    deliveryId: delivery.deliveryId ?? null,
    receivedAt: delivery.receivedAt.toISOString(),
    ...(delivery.requestId !== undefined ? { requestId: delivery.requestId } : {}),
  };
  try {
    await env.CONVERSATION_QUEUE.send(message);
    return;
  } catch (err) {
    log.warn("webhook.enqueue_failed", { eventId: event.eventId, ...errorFields(err) });
  }
  try {
    // Kept in D1 as received: the scheduled re-drive queues it again.
    await insertEvent(tenantDb(env, tenantId), { event, tenantId, ...delivery });
  } catch (err) {
    log.error("webhook.store_failed", { eventId: event.eventId, ...errorFields(err) });
    throw new AppError("unavailable", "The event could not be kept; please retry.");
  }
}
