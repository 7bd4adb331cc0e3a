// The durable hand-off of a verified event: kept in D1 first, then queued.
// A failed queue send is not a failed delivery: the event is in D1 and the
// scheduled re-drive picks it up, so iAdvize is acknowledged either way.
import type { Bindings } from "../env.ts";
import { AppError } from "../errors.ts";
import { insertEvent } from "../events/store.ts";
import { errorFields, log } from "../log.ts";
import type { KnownEvent } from "./events.ts";
import { tenantIdOf } from "./events.ts";

export type AcceptOutcome = "accepted" | "duplicate";

export interface Delivery {
  correlationId: string | undefined;
  deliveryId: string | undefined;
  receivedAt: Date;
}

export async function acceptEvent(env: Bindings, event: KnownEvent, delivery: Delivery): Promise<AcceptOutcome> {
  const tenantId = tenantIdOf(event);
  let inserted: boolean;
  try {
    inserted = await insertEvent(env.DB, { event, tenantId, ...delivery });
  } catch (err) {
    log.error("webhook.store_failed", { eventId: event.eventId, ...errorFields(err) });
    throw new AppError("unavailable", "The event could not be stored; please retry.");
  }
  if (!inserted) return "duplicate";
  try {
    await env.CONVERSATION_QUEUE.send({ eventId: event.eventId, tenantId });
  } catch (err) {
    log.warn("webhook.enqueue_deferred", { eventId: event.eventId, ...errorFields(err) });
  }
  return "accepted";
}
