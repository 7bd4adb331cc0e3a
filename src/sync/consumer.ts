// The conversation queue's consumer: records the batch's new events in D1 once (a
// retried webhook is recognised here), keeps those of unconfigured tenants waiting,
// applies the others, and retries failures with exponential backoff.
import { conversationStatements } from "../conversations/state.ts";
import type { Bindings } from "../env.ts";
import { QueueMessage } from "../queues.ts";
import { AppError } from "../errors.ts";
import { newEventOf, recordFailure, setStatus } from "../events/store.ts";
import type { NewEvent, StoredEvent } from "../events/store.ts";
import { errorFields, log } from "../log.ts";
import { CONVERSATION_BATCH_MAX, enqueueAll, retryDelaySeconds } from "../queues.ts";
import { markPendingStatement } from "../conversations/sync-store.ts";
import { byTenantDb, tenantDb } from "../tenants/placement.ts";
import { keepAndLoad } from "./batch-load.ts";
import { lateTransactionStatement } from "../conversations/late.ts";
import { surveysAfterClose } from "../surveys/triggers.ts";
import { FIRST_POLL_MS } from "../follow/schedule.ts";
import { CLOSE_SLOT_MS, slotAtOrAfter } from "../follow/slots.ts";
import { followOnPushStatements, followedCloseStatement } from "../follow/store.ts";

export async function consumeConversationBatch(
  batch: MessageBatch<unknown>,
  env: Bindings,
  now: () => Date = () => new Date(),
): Promise<void> {
  const byEventId = new Map<string, Message<unknown>[]>();
  const fresh: NewEvent[] = [];
  const tenantOfEvent = new Map<string, string>();
  // The per-event trace: which request delivered which event (ids only, no personal data).
  const received: { eventId: string; requestId: string | undefined }[] = [];
  for (const message of batch.messages) {
    const body = QueueMessage.safeParse(message.body);
    if (!body.success) {
      // Our own producers write these; a malformed one cannot be processed by retrying.
      log.error("queue.malformed_message", { queue: batch.queue, messageId: message.id });
      message.ack();
      continue;
    }
    const m = body.data;
    const eventId = m.kind === "event" ? m.event.eventId : m.eventId;
    if (m.kind === "event") {
      fresh.push(newEventOf(m));
      received.push({ eventId, requestId: m.requestId });
    }
    tenantOfEvent.set(eventId, m.tenantId);
    byEventId.set(eventId, [...(byEventId.get(eventId) ?? []), message]);
  }
  if (received.length > 0) log.info("events.received", { count: received.length, events: received });
  if (byEventId.size === 0) return;

  let events: StoredEvent[];
  let configured: Set<string>;
  try {
    ({ events, configured } = await keepAndLoad(env, fresh, tenantOfEvent));
  } catch (err) {
    log.error("queue.load_failed", { queue: batch.queue, ...errorFields(err) });
    for (const list of byEventId.values()) for (const m of list) m.retry({ delaySeconds: retryDelaySeconds(m.attempts) });
    return;
  }

  const found = new Set(events.map((e) => e.eventId));
  for (const [eventId, list] of byEventId) {
    if (!found.has(eventId)) {
      // A pointer to an event D1 does not have, or an event whose correlation id
      // already belongs to another: nothing is left to do.
      log.warn("queue.event_not_kept", { eventId });
      for (const m of list) m.ack();
    }
  }

  const toSync = new Set<string>();
  // Tenants with followed work (a first read, a close) due at a slot: the earliest one.
  const toFollow = new Map<string, number>();
  const closed: { tenantId: string; conversationId: string }[] = [];
  for (const event of events) {
    const messages = byEventId.get(event.eventId) ?? [];
    try {
      const outcome = await processEvent(tenantDb(env, event.tenantId), event, configured.has(event.tenantId), now());
      if (outcome instanceof Date) toFollow.set(event.tenantId, Math.min(toFollow.get(event.tenantId) ?? Infinity, outcome.getTime()));
      if (outcome === "sync") toSync.add(event.tenantId);
      if (outcome !== null && event.event?.eventType === "v2.conversation.closed") closed.push({ tenantId: event.tenantId, conversationId: event.event.conversationId });
      for (const m of messages) m.ack();
    } catch (err) {
      log.warn("queue.event_failed", { eventId: event.eventId, ...errorFields(err) });
      const code = err instanceof AppError ? (err.detail ?? err.code) : err instanceof Error ? err.name : "unknown";
      await recordFailure(tenantDb(env, event.tenantId), event.eventId, code, now()).catch(() => undefined);
      for (const m of messages) m.retry({ delaySeconds: retryDelaySeconds(m.attempts) });
    }
  }
  // Surveys the tenant sends after a closed conversation (it never fails the batch).
  for (const [db, group] of byTenantDb(env, closed, (c) => c.tenantId)) await surveysAfterClose(db, env.SURVEY_QUEUE, group);
  // Followed work is due at the tenant's next slot: the sync wakes then (also when it runs now:
  // a run with nothing due yet, or a busy one, does not wait for it).
  if (toSync.size > 0 || toFollow.size > 0) {
    try {
      // A full batch means the queue is busy: the sync waits for a full collection or the burst's end.
      const busy = batch.messages.length >= CONVERSATION_BATCH_MAX;
      await enqueueAll(env.SYNC_QUEUE, [...toSync].map((tenantId) => (busy ? { tenantId, busy } : { tenantId })));
      for (const [tenantId, at] of toFollow) await env.SYNC_QUEUE.send({ tenantId }, { delaySeconds: Math.max(0, Math.ceil((at - now().getTime()) / 1000)) });
    } catch (err) {
      // The conversations are pending in D1: the scheduled re-drive sends the message later.
      log.warn("queue.sync_enqueue_failed", { tenants: toSync.size, ...errorFields(err) });
    }
  }
}

/**
 * Applies one event: "sync" when its conversation now waits for a Salesforce sync; the
 * slot it is due at when it is followed work (an open conversation now followed, its first
 * read shortly; or the close of a followed one); else null.
 */
async function processEvent(db: D1Database, event: StoredEvent, tenantConfigured: boolean, now: Date): Promise<"sync" | Date | null> {
  // Processed already: a retried webhook or a re-drive. No second piece of work.
  if (event.status === "processed") return null;
  if (!tenantConfigured) {
    if (event.status !== "awaiting_tenant") {
      await db.batch(setStatus(db, [event.eventId], "awaiting_tenant", now));
      log.info("queue.awaiting_tenant", { eventId: event.eventId, tenantId: event.tenantId });
    }
    return null;
  }
  const e = event.event;
  if (!e) throw new AppError("internal", "The stored event does not parse.", { detail: "stored_event_invalid" });
  // A close syncs the conversation; a later survey answer or transaction updates what was synced.
  const syncs = e.eventType === "v2.conversation.closed" || e.eventType === "satisfaction.answered" || e.eventType === "transaction.attributed";
  // A push (a start, a transfer, a reopening) of a tenant that follows open conversations.
  const firstRead = new Date(slotAtOrAfter(event.tenantId, now.getTime() + FIRST_POLL_MS));
  const follow = e.eventType === "v2.conversation.pushed" ? followOnPushStatements(db, event.tenantId, e.conversationId, e.createdAt, firstRead, now) : [];
  const late = e.eventType === "transaction.attributed" ? [lateTransactionStatement(db, event.tenantId, e.conversationId, now)] : [];
  // The close of a followed conversation joins the tenant's next close slot (the last statement before the follow's).
  const closeSlot = new Date(slotAtOrAfter(event.tenantId, now.getTime(), CLOSE_SLOT_MS));
  const followedClose = e.eventType === "v2.conversation.closed" ? [followedCloseStatement(db, event.tenantId, e.conversationId, closeSlot)] : [];
  const before = [...conversationStatements(db, event.tenantId, e, now), ...(syncs ? [markPendingStatement(db, event.tenantId, e.conversationId, now), ...late] : []), ...followedClose];
  const results = await db.batch([...before, ...follow, ...setStatus(db, [event.eventId], "processed", now)]);
  if (followedClose.length > 0 && (results[before.length - 1]?.meta.changes ?? 0) > 0) return closeSlot;
  if (syncs) return "sync";
  // The last follow statement puts the conversation on the schedule: it changed a row when followed.
  const scheduled = follow.length > 0 ? results[before.length + follow.length - 1] : undefined;
  return scheduled && scheduled.meta.changes > 0 ? firstRead : null;
}
