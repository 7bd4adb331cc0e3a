// The D1 record of every accepted webhook event: insert once, then track its processing.
import type { QueueMessage } from "../queues.ts";
import type { KnownEvent } from "../events/schema.ts";
import { KnownEvent as KnownEventSchema } from "../events/schema.ts";

export type EventStatus = "received" | "awaiting_tenant" | "processed" | "dead";

export interface NewEvent {
  event: KnownEvent;
  tenantId: string;
  correlationId: string | undefined;
  deliveryId: string | undefined;
  receivedAt: Date;
}

export interface StoredEvent {
  eventId: string;
  tenantId: string;
  status: EventStatus;
  attempts: number;
  /** Undefined when the stored payload no longer parses (a row edited by hand, a dropped field). */
  event: KnownEvent | undefined;
}

/** The event a queue message carries, as it is recorded. */
export function newEventOf(m: Extract<QueueMessage, { kind: "event" }>): NewEvent {
  return {
    event: m.event,
    tenantId: m.tenantId,
    correlationId: m.correlationId ?? undefined,
    deliveryId: m.deliveryId ?? undefined,
    receivedAt: new Date(m.receivedAt),
  };
}

/** Inserts the event; false when it was already there (a retried delivery). */
export async function insertEvent(db: D1Database, e: NewEvent): Promise<boolean> {
  const result = await insertEventStatement(db, e).run();
  return result.meta.changes > 0;
}

/** The insert of an event, a no-op when its id or correlation id is already known. */
export function insertEventStatement(db: D1Database, e: NewEvent): D1PreparedStatement {
  const at = e.receivedAt.toISOString();
  return db
    .prepare(
      `INSERT OR IGNORE INTO events
         (event_id, correlation_id, delivery_id, event_type, tenant_id, conversation_id, payload, status, received_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'received', ?8, ?8)`,
    )
    .bind(
      e.event.eventId,
      e.correlationId ?? null,
      e.deliveryId ?? null,
      e.event.eventType,
      e.tenantId,
      e.event.conversationId,
      JSON.stringify(e.event),
      at,
    );
}

interface EventRow {
  event_id: string;
  tenant_id: string;
  status: EventStatus;
  attempts: number;
  payload: string;
}

export async function loadEvents(db: D1Database, eventIds: readonly string[]): Promise<StoredEvent[]> {
  if (eventIds.length === 0) return [];
  const placeholders = eventIds.map((_, i) => `?${i + 1}`).join(",");
  const { results } = await db
    .prepare(`SELECT event_id, tenant_id, status, attempts, payload FROM events WHERE event_id IN (${placeholders})`)
    .bind(...eventIds)
    .all<EventRow>();
  return results.map((r) => ({
    eventId: r.event_id,
    tenantId: r.tenant_id,
    status: r.status,
    attempts: r.attempts,
    // Stored after validation; parsed again so a row edited by hand cannot smuggle a bad shape in.
    event: parsePayload(r.payload),
  }));
}

function parsePayload(payload: string): KnownEvent | undefined {
  try {
    const parsed = KnownEventSchema.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function setStatus(
  db: D1Database,
  eventIds: readonly string[],
  status: EventStatus,
  now: Date,
  lastError: string | null = null,
): D1PreparedStatement[] {
  return eventIds.map((id) =>
    db
      .prepare(
        // A processed event stays processed, whatever arrives late.
        `UPDATE events SET status = ?2, last_error = ?3, updated_at = ?4 WHERE event_id = ?1 AND status != 'processed'`,
      )
      .bind(id, status, lastError, now.toISOString()),
  );
}

export async function recordFailure(db: D1Database, eventId: string, code: string, now: Date): Promise<void> {
  await db
    .prepare(`UPDATE events SET attempts = attempts + 1, last_error = ?2, updated_at = ?3 WHERE event_id = ?1`)
    .bind(eventId, code, now.toISOString())
    .run();
}

/** Moves a tenant's waiting events back to `received`, and returns their ids to enqueue. */
export async function releaseAwaiting(db: D1Database, tenantId: string, now: Date): Promise<string[]> {
  const { results } = await db
    .prepare(
      `UPDATE events SET status = 'received', updated_at = ?2
       WHERE tenant_id = ?1 AND status = 'awaiting_tenant' RETURNING event_id`,
    )
    .bind(tenantId, now.toISOString())
    .all<{ event_id: string }>();
  return results.map((r) => r.event_id);
}

/** Events accepted but still not processed after `olderThan`: their queue message was lost or failed. */
export async function staleReceived(
  db: D1Database,
  olderThan: Date,
  limit: number,
): Promise<{ eventId: string; tenantId: string }[]> {
  const { results } = await db
    .prepare(
      `SELECT event_id, tenant_id FROM events WHERE status = 'received' AND updated_at < ?1 ORDER BY updated_at LIMIT ?2`,
    )
    .bind(olderThan.toISOString(), limit)
    .all<{ event_id: string; tenant_id: string }>();
  return results.map((r) => ({ eventId: r.event_id, tenantId: r.tenant_id }));
}

export async function touch(db: D1Database, eventIds: readonly string[], now: Date): Promise<void> {
  if (eventIds.length === 0) return;
  await db.batch(
    eventIds.map((id) =>
      db.prepare(`UPDATE events SET updated_at = ?2 WHERE event_id = ?1`).bind(id, now.toISOString()),
    ),
  );
}

export async function countByStatus(db: D1Database, tenantId?: string): Promise<Record<EventStatus, number>> {
  const stmt = tenantId
    ? db.prepare(`SELECT status, COUNT(*) AS n FROM events WHERE tenant_id = ?1 GROUP BY status`).bind(tenantId)
    : db.prepare(`SELECT status, COUNT(*) AS n FROM events GROUP BY status`);
  const { results } = await stmt.all<{ status: EventStatus; n: number }>();
  const counts: Record<EventStatus, number> = { received: 0, awaiting_tenant: 0, processed: 0, dead: 0 };
  for (const r of results) counts[r.status] = r.n;
  return counts;
}

/** Dead events of a tenant back to `received`, for a re-drive; returns their ids to enqueue. */
export async function reviveDead(db: D1Database, tenantId: string, now: Date): Promise<string[]> {
  const { results } = await db
    .prepare(
      `UPDATE events SET status = 'received', attempts = 0, updated_at = ?2
       WHERE tenant_id = ?1 AND status = 'dead' RETURNING event_id`,
    )
    .bind(tenantId, now.toISOString())
    .all<{ event_id: string }>();
  return results.map((r) => r.event_id);
}
