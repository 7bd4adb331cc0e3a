// The SMS waiting to be sent, in D1 before any queue message: a group (one send, or one
// reply handled) is sent in order, one SMS then the next two seconds later. The number
// and text are sealed, and dropped once sent.
import * as z from "zod";
import { insertWithinLimits } from "../outreach/limits.ts";
import { decrypt, encrypt } from "../secrets/cipher.ts";
import type { Outgoing, OutgoingKind } from "./engine.ts";

export interface OutboxRow {
  id: string;
  tenant_id: string;
  session_id: string | null;
  group_id: string;
  seq: number;
  kind: OutgoingKind;
  phone_hash: string;
  payload: string | null;
  status: "queued" | "sent" | "failed";
  provider_ref: string | null;
  error: string | null;
  attempts: number;
}

const Payload = z.object({ to: z.string(), text: z.string() });
export type Payload = z.infer<typeof Payload>;

export const openPayload = async (keys: readonly string[], row: Pick<OutboxRow, "id" | "payload">): Promise<Payload | null> =>
  row.payload ? Payload.parse(JSON.parse(await decrypt(keys, row.payload, `survey-sms/${row.id}`))) : null;

export interface Group {
  groupId: string;
  /** The first SMS's id: the queue message that starts the group. */
  firstId: string;
  statements: D1PreparedStatement[];
}

/**
 * The statements that queue `messages` to `to`, in order. With `step`, each row is
 * written only if the session is still at that step (see advanceStatement).
 */
export async function groupStatements(
  db: D1Database,
  keys: readonly string[],
  g: { tenantId: string; sessionId: string | null; phoneHash: string; to: string; messages: Outgoing[]; step?: string; now: Date },
): Promise<Group> {
  const groupId = crypto.randomUUID();
  const at = g.now.toISOString();
  const rows = await Promise.all(
    g.messages.map(async (m, seq) => {
      const id = crypto.randomUUID();
      return { id, seq, kind: m.kind, payload: await encrypt(keys, JSON.stringify({ to: g.to, text: m.text }), `survey-sms/${id}`) };
    }),
  );
  const guard = g.step === undefined ? "" : `WHERE EXISTS (SELECT 1 FROM survey_sessions WHERE id = ?3 AND step = ?10)`;
  const statements = rows.map((r) =>
    db
      .prepare(
        `INSERT INTO survey_outbox (id, tenant_id, session_id, group_id, seq, kind, phone_hash, payload, status, created_at, updated_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'queued', ?9, ?9 ${guard}`,
      )
      .bind(r.id, g.tenantId, g.sessionId, groupId, r.seq, r.kind, g.phoneHash, r.payload, at, ...(g.step === undefined ? [] : [g.step])),
  );
  return { groupId, firstId: rows[0]?.id ?? "", statements };
}

export async function outboxRow(db: D1Database, id: string): Promise<OutboxRow | null> {
  return db.prepare(`SELECT * FROM survey_outbox WHERE id = ?1`).bind(id).first<OutboxRow>();
}

export async function nextInGroup(db: D1Database, row: Pick<OutboxRow, "group_id" | "seq">): Promise<string | null> {
  return db.prepare(`SELECT id FROM survey_outbox WHERE group_id = ?1 AND seq = ?2`).bind(row.group_id, row.seq + 1).first<string>("id");
}

export function sentStatement(db: D1Database, id: string, ref: string | null, now: Date): D1PreparedStatement {
  return db
    .prepare(`UPDATE survey_outbox SET status = 'sent', payload = NULL, provider_ref = ?2, error = NULL, attempts = attempts + 1, updated_at = ?3 WHERE id = ?1`)
    .bind(id, ref, now.toISOString());
}

/** A refused SMS ends its group: the later ones are not sent either. */
export function failedGroupStatement(db: D1Database, row: Pick<OutboxRow, "group_id" | "seq">, code: string, now: Date): D1PreparedStatement {
  return db
    .prepare(`UPDATE survey_outbox SET status = 'failed', payload = NULL, error = ?3, updated_at = ?4 WHERE group_id = ?1 AND seq >= ?2 AND status = 'queued'`)
    .bind(row.group_id, row.seq, code, now.toISOString());
}

export function attemptStatement(db: D1Database, id: string, code: string, now: Date): D1PreparedStatement {
  return db.prepare(`UPDATE survey_outbox SET attempts = attempts + 1, error = ?2, updated_at = ?3 WHERE id = ?1`).bind(id, code, now.toISOString());
}

/**
 * One notice (no survey found, unavailable) queued unless the number had `perNumber` or
 * the tenant `perTenant` notices in 24 h: one conditional statement, so concurrent
 * replies cannot all pass the caps (a cap stops loops with auto-responders).
 */
export async function noticeStatement(
  db: D1Database,
  keys: readonly string[],
  n: { tenantId: string; sessionId: string | null; phoneHash: string; to: string; text: string; perNumber: number; perTenant: number; now: Date },
): Promise<{ id: string; statement: D1PreparedStatement }> {
  const id = crypto.randomUUID();
  const at = n.now.toISOString();
  const statement = insertWithinLimits(db, {
    table: "survey_outbox",
    row: {
      id, tenant_id: n.tenantId, session_id: n.sessionId, group_id: crypto.randomUUID(), seq: 0, kind: "notice", phone_hash: n.phoneHash,
      payload: await encrypt(keys, JSON.stringify({ to: n.to, text: n.text }), `survey-sms/${id}`), status: "queued", created_at: at, updated_at: at,
    },
    perNumber: { max: n.perNumber, ms: 86_400_000 },
    perTenant: { max: n.perTenant, ms: 86_400_000 },
    counted: "kind = 'notice'",
  });
  return { id, statement };
}

/** First SMS of groups whose queue message seems lost: queued, nothing sent before them, untouched for a while. */
export async function stalledGroups(db: D1Database, before: Date, limit = 100): Promise<{ id: string; tenant_id: string }[]> {
  const { results } = await db
    .prepare(
      `SELECT o.id, o.tenant_id FROM survey_outbox o WHERE o.status = 'queued' AND o.updated_at < ?1
         AND NOT EXISTS (SELECT 1 FROM survey_outbox p WHERE p.group_id = o.group_id AND p.seq < o.seq AND p.status = 'queued')
       ORDER BY o.updated_at LIMIT ?2`,
    )
    .bind(before.toISOString(), limit)
    .all<{ id: string; tenant_id: string }>();
  return results;
}
