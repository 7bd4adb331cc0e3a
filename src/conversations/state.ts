// What each event tells about its conversation, as D1 statements. A conversation
// once closed stays closed whatever order the events are processed in, unless pushed
// again after its close (reopened).
import type { KnownEvent } from "../events/schema.ts";
import { satisfactionStatements } from "./satisfaction.ts";

const MERGE_OPERATORS = `(SELECT json_group_array(v) FROM (
    SELECT value AS v FROM json_each(conversations.operator_ids)
    UNION SELECT value FROM json_each(excluded.operator_ids)))`;

// A push after the recorded close reopens the conversation (iAdvize pushes it again to an
// operator); a close older than the latest push is an earlier close arriving late.
const REOPENS = `conversations.status = 'closed' AND julianday(excluded.last_pushed_at) > coalesce(julianday(conversations.closed_at), julianday(excluded.last_pushed_at))`;
const PUSHED_SINCE = `coalesce(julianday(conversations.last_pushed_at), 0) > julianday(excluded.closed_at)`;

export function conversationStatements(
  db: D1Database,
  tenantId: string,
  event: KnownEvent,
  now: Date,
): D1PreparedStatement[] {
  const at = now.toISOString();
  switch (event.eventType) {
    case "v2.conversation.pushed":
      return [
        db
          .prepare(
            `INSERT INTO conversations (tenant_id, conversation_id, status, channel, visitor_id, operator_ids, started_at, updated_at, last_pushed_at)
             VALUES (?1, ?2, 'open', ?3, ?4, ?5, ?6, ?7, ?6)
             ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET
               status = CASE WHEN ${REOPENS} THEN 'open' ELSE conversations.status END,
               closed_at = CASE WHEN ${REOPENS} THEN NULL ELSE conversations.closed_at END,
               last_pushed_at = CASE WHEN julianday(excluded.last_pushed_at) > coalesce(julianday(conversations.last_pushed_at), 0)
                 THEN excluded.last_pushed_at ELSE conversations.last_pushed_at END,
               channel = excluded.channel,
               visitor_id = excluded.visitor_id,
               operator_ids = ${MERGE_OPERATORS},
               started_at = min(coalesce(conversations.started_at, excluded.started_at), excluded.started_at),
               updated_at = excluded.updated_at`,
          )
          .bind(tenantId, event.conversationId, event.channel, event.visitorId, JSON.stringify([event.operatorId]), event.createdAt, at),
      ];
    case "v2.conversation.closed":
      return [
        db
          .prepare(
            `INSERT INTO conversations (tenant_id, conversation_id, status, channel, visitor_id, operator_ids, closed_at, updated_at)
             VALUES (?1, ?2, 'closed', ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET
               status = CASE WHEN ${PUSHED_SINCE} THEN conversations.status ELSE 'closed' END,
               channel = excluded.channel,
               visitor_id = excluded.visitor_id,
               operator_ids = ${MERGE_OPERATORS},
               closed_at = CASE WHEN ${PUSHED_SINCE} THEN conversations.closed_at ELSE excluded.closed_at END,
               updated_at = excluded.updated_at`,
          )
          .bind(tenantId, event.conversationId, event.channel, event.visitorId, JSON.stringify(event.operatorIds), event.createdAt, at),
      ];
    case "satisfaction.answered":
      return satisfactionStatements(db, tenantId, event, now);
    case "transaction.attributed": {
      const transaction = {
        transactionId: event.transactionId,
        externalId: event.externalId,
        amount: event.amount,
        source: event.source,
        operatorId: event.operatorId,
        // As an instant in UTC: transactions are ordered by this text.
        receivedAt: new Date(event.receivedAt).toISOString(),
      };
      return [
        db
          .prepare(
            `INSERT INTO conversations (tenant_id, conversation_id, status, transactions, updated_at)
             VALUES (?1, ?2, 'open', json_array(json(?3)), ?4)
             ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET
               transactions = CASE
                 WHEN EXISTS (SELECT 1 FROM json_each(conversations.transactions) WHERE json_extract(value, '$.transactionId') = ?5)
                 THEN conversations.transactions
                 ELSE json_insert(conversations.transactions, '$[#]', json(?3)) END,
               updated_at = excluded.updated_at`,
          )
          .bind(tenantId, event.conversationId, JSON.stringify(transaction), at, event.transactionId),
      ];
    }
  }
}
