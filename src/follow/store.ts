// Followed conversations in D1: the row that says one is followed (cursor, the messages
// read so far sealed with the tenant's key, its last activity), and the statements that
// put it on the sync schedule, move it to its next read or its close's slot, or take it off.
import * as z from "zod";
import type { UnknownMessages } from "../iadvize/conversation.ts";
import { ChatMessage } from "../qualification/messages.ts";
import { decrypt, encrypt } from "../secrets/cipher.ts";

export interface FollowState {
  cursor: string | null;
  messages: ChatMessage[];
  unknown: UnknownMessages;
  lastActivityAt: string;
  polls: number;
}

/** Beyond this, the messages are not kept between reads (D1 rows are bounded): the next read starts over. */
const MAX_CACHE_CHARS = 600_000;

const Cache = z.object({ messages: z.array(ChatMessage), unknown: z.object({ count: z.number(), types: z.array(z.string()) }) });
const Row = z.object({ conversation_id: z.string(), cursor: z.string().nullable(), cache: z.string().nullable(), last_activity_at: z.string(), polls: z.number() });

const context = (tenantId: string, conversationId: string) => `${tenantId}/follow/${conversationId}`;

/** The tenant has turned the follow-up on (read from its stored settings, in SQL). */
const FOLLOWING_TENANT = `EXISTS (SELECT 1 FROM tenants WHERE id = ?1 AND json_extract(settings, '$.followUp.enabled') = 1)`;

async function stateOf(keys: readonly string[], tenantId: string, row: z.infer<typeof Row>): Promise<FollowState> {
  const base = { lastActivityAt: row.last_activity_at, polls: row.polls };
  const empty: FollowState = { ...base, cursor: null, messages: [], unknown: { count: 0, types: [] } };
  if (row.cursor === null || row.cache === null) return empty;
  try {
    const cache = Cache.parse(JSON.parse(await decrypt(keys, row.cache, context(tenantId, row.conversation_id))));
    return { ...base, cursor: row.cursor, ...cache };
  } catch {
    // A cache no key opens (or another version wrote): read the conversation from its start.
    return empty;
  }
}

export async function loadFollowStates(db: D1Database, keys: readonly string[], tenantId: string, ids: readonly string[]): Promise<Map<string, FollowState>> {
  if (ids.length === 0) return new Map();
  const { results } = await db
    .prepare(
      `SELECT conversation_id, cursor, cache, last_activity_at, polls FROM follow_ups
       WHERE tenant_id = ?1 AND conversation_id IN (SELECT value FROM json_each(?2))`,
    )
    .bind(tenantId, JSON.stringify(ids))
    .all();
  const rows = z.array(Row).parse(results);
  return new Map(await Promise.all(rows.map(async (r) => [r.conversation_id, await stateOf(keys, tenantId, r)] as const)));
}

/**
 * A push of an open conversation of a following tenant: it is followed from now on (its
 * activity is the push's time) and due for a read at `dueAt`, or sooner if it already was.
 */
export function followOnPushStatements(db: D1Database, tenantId: string, conversationId: string, pushedAt: string, dueAt: Date, now: Date): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `INSERT INTO follow_ups (tenant_id, conversation_id, last_activity_at, started_at)
         SELECT ?1, ?2, ?3, ?4 WHERE ${FOLLOWING_TENANT}
           AND EXISTS (SELECT 1 FROM conversations WHERE tenant_id = ?1 AND conversation_id = ?2 AND status = 'open')
         ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET
           last_activity_at = CASE WHEN julianday(excluded.last_activity_at) > julianday(follow_ups.last_activity_at)
             THEN excluded.last_activity_at ELSE follow_ups.last_activity_at END`,
      )
      .bind(tenantId, conversationId, pushedAt, now.toISOString()),
    // A run under way ('syncing') schedules the next read itself when it ends.
    db
      .prepare(
        `UPDATE conversations SET sync_status = 'pending', sync_lease_until = NULL, sync_error = NULL, sync_failing_since = NULL,
           sync_due_at = CASE WHEN sync_status = 'pending' AND sync_due_at < ?3 THEN sync_due_at ELSE ?3 END
         WHERE tenant_id = ?1 AND conversation_id = ?2 AND status = 'open' AND sync_status <> 'syncing'
           AND EXISTS (SELECT 1 FROM follow_ups WHERE tenant_id = ?1 AND conversation_id = ?2)`,
      )
      .bind(tenantId, conversationId, dueAt.toISOString()),
  ];
}

/**
 * The close of a followed conversation (just marked pending, due now): its Lead is mostly
 * written already, so its last read joins the tenant's next close slot, `dueAt`.
 */
export function followedCloseStatement(db: D1Database, tenantId: string, conversationId: string, dueAt: Date): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE conversations SET sync_due_at = ?3
       WHERE tenant_id = ?1 AND conversation_id = ?2 AND status = 'closed' AND sync_status = 'pending'
         AND EXISTS (SELECT 1 FROM follow_ups WHERE tenant_id = ?1 AND conversation_id = ?2)`,
    )
    .bind(tenantId, conversationId, dueAt.toISOString());
}

/** What a read of a followed conversation leaves for the next one. */
export async function saveFollowStatement(db: D1Database, keys: readonly string[], tenantId: string, conversationId: string, state: FollowState): Promise<D1PreparedStatement> {
  const json = JSON.stringify({ messages: state.messages, unknown: state.unknown });
  const keep = state.cursor !== null && json.length <= MAX_CACHE_CHARS;
  const cache = keep ? await encrypt(keys, json, context(tenantId, conversationId)) : null;
  return db
    .prepare(
      `INSERT INTO follow_ups (tenant_id, conversation_id, cursor, cache, last_activity_at, polls, started_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5)
       ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET cursor = ?3, cache = ?4, last_activity_at = ?5, polls = ?6`,
    )
    .bind(tenantId, conversationId, keep ? state.cursor : null, cache, state.lastActivityAt, state.polls);
}

/** The following ends: the cursor and the messages kept are dropped. */
export function endFollowStatement(db: D1Database, tenantId: string, conversationId: string): D1PreparedStatement {
  return db.prepare(`DELETE FROM follow_ups WHERE tenant_id = ?1 AND conversation_id = ?2`).bind(tenantId, conversationId);
}

/** A read failed for good (the conversation's sync is failed): it is not followed any more. */
export function endIfFailedStatement(db: D1Database, tenantId: string, conversationId: string): D1PreparedStatement {
  return db
    .prepare(
      `DELETE FROM follow_ups WHERE tenant_id = ?1 AND conversation_id = ?2
         AND EXISTS (SELECT 1 FROM conversations WHERE tenant_id = ?1 AND conversation_id = ?2 AND sync_status = 'failed')`,
    )
    .bind(tenantId, conversationId);
}

/**
 * After this run's outcome (written, or nothing to write): the open conversation is due for
 * its next read. A retry, a hold or a close decided otherwise meanwhile, and is left alone.
 */
export function nextReadStatement(db: D1Database, tenantId: string, conversationId: string, dueAt: Date): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE conversations SET sync_status = 'pending', sync_lease_until = NULL, sync_due_at = ?3
       WHERE tenant_id = ?1 AND conversation_id = ?2 AND status = 'open' AND sync_status IN ('syncing', 'synced')`,
    )
    .bind(tenantId, conversationId, dueAt.toISOString());
}

/** No more reads while it is open: synced if something was written, else as if never followed. */
export function stopReadsStatement(db: D1Database, tenantId: string, conversationId: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE conversations SET sync_status = CASE WHEN synced_at IS NULL THEN 'none' ELSE 'synced' END, sync_lease_until = NULL, sync_due_at = NULL
       WHERE tenant_id = ?1 AND conversation_id = ?2 AND status = 'open' AND sync_status IN ('syncing', 'synced')`,
    )
    .bind(tenantId, conversationId);
}
