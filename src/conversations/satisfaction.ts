// The visitor's survey answers kept on the conversation: satisfaction.answered fires on
// every click, one kind of answer per event, so each kind keeps its latest answer (by
// the event's time, whatever order the queue delivers them in) beside the others.
import type { KnownEvent } from "../events/schema.ts";

type SatisfactionAnswered = Extract<KnownEvent, { eventType: "satisfaction.answered" }>;

/** The kinds of answer an event may carry; each is stored with `<kind>At`, the time of its answer. */
export const SATISFACTION_KINDS = ["customerSatisfaction", "netPromoterScore", "satisfactionComment", "customQuestion"] as const;

export function satisfactionStatements(db: D1Database, tenantId: string, event: SatisfactionAnswered, now: Date): D1PreparedStatement[] {
  const at = new Date(event.createdAt).toISOString();
  const updatedAt = now.toISOString();
  // A survey is answered at the end of a conversation.
  const row = db
    .prepare(
      `INSERT INTO conversations (tenant_id, conversation_id, status, updated_at) VALUES (?1, ?2, 'closed', ?3)
       ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET updated_at = excluded.updated_at`,
    )
    .bind(tenantId, event.conversationId, updatedAt);
  const kinds = SATISFACTION_KINDS.flatMap((kind) => {
    const value = event[kind];
    if (value === undefined) return [];
    // The kind's name comes from the list above, never from the event.
    return [
      db
        .prepare(
          `UPDATE conversations SET satisfaction = json_set(coalesce(satisfaction, '{}'), '$.${kind}', json(?3), '$.${kind}At', ?4)
           WHERE tenant_id = ?1 AND conversation_id = ?2 AND coalesce(json_extract(satisfaction, '$.${kind}At'), '') <= ?4`,
        )
        .bind(tenantId, event.conversationId, JSON.stringify(value), at),
    ];
  });
  const answeredAt = db
    .prepare(
      `UPDATE conversations SET satisfaction = json_set(coalesce(satisfaction, '{}'), '$.answeredAt', max(coalesce(json_extract(satisfaction, '$.answeredAt'), ''), ?3))
       WHERE tenant_id = ?1 AND conversation_id = ?2`,
    )
    .bind(tenantId, event.conversationId, at);
  return [row, ...kinds, answeredAt];
}
