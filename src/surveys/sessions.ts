// Survey sessions in D1: one survey sent to one number, the question it waits for, the
// answers given, and how it ended. The number is sealed; only its keyed hash is in clear.
import * as z from "zod";
import { insertWithinLimits } from "../outreach/limits.ts";
import { decrypt, encrypt } from "../secrets/cipher.ts";
import type { Language } from "./definition.ts";
import type { AnswerValue } from "./replies.ts";

export type SessionStatus = "active" | "completed" | "expired" | "opted_out" | "failed" | "superseded" | "abandoned";
export type Origin = "api" | "callback" | "conversation";

export interface SessionRow {
  id: string;
  tenant_id: string;
  survey_id: string;
  status: SessionStatus;
  current_element: string | null;
  language: Language;
  origin: Origin;
  origin_key: string;
  client_reference: string | null;
  conversation_id: string | null;
  escalation_id: string | null;
  phone_hash: string | null;
  contact: string | null;
  variables: string;
  step: string;
  expires_at: string;
  purge_at: string;
  ended_at: string | null;
  sf_status: "none" | "pending" | "written" | "failed";
  sf_record_id: string | null;
  sf_error: string | null;
  created_at: string;
  updated_at: string;
  /** Invalid replies to the current question. */
  invalid_replies: number;
}

/** What is sealed with a session: the number, and the session variables that may be personal. */
export const Contact = z.object({ phone: z.string(), variables: z.record(z.string(), z.string()) });
export type Contact = z.infer<typeof Contact>;

export const sealContact = (keys: readonly string[], id: string, c: Contact) => encrypt(keys, JSON.stringify(c), `survey/${id}`);
export async function openContact(keys: readonly string[], row: Pick<SessionRow, "id" | "contact">): Promise<Contact | null> {
  return row.contact ? Contact.parse(JSON.parse(await decrypt(keys, row.contact, `survey/${row.id}`))) : null;
}

export interface NewSession {
  id: string;
  tenantId: string;
  surveyId: string;
  current: string | null;
  status: SessionStatus;
  language: Language;
  origin: Origin;
  originKey: string;
  clientReference: string | null;
  conversationId: string | null;
  escalationId: string | null;
  phoneHash: string;
  contact: string;
  variables: Record<string, string>;
  expiresAt: Date;
  purgeAt: Date;
  now: Date;
}

/**
 * Inserts the session unless the same send was made already (same origin key) or the
 * number had its sessions of the day: one statement, so concurrent sends cannot all pass.
 */
export function insertSessionStatement(db: D1Database, s: NewSession, perNumberPerDay: number): D1PreparedStatement {
  const at = s.now.toISOString();
  return insertWithinLimits(db, {
    table: "survey_sessions",
    row: {
      id: s.id, tenant_id: s.tenantId, survey_id: s.surveyId, status: s.status, current_element: s.current, language: s.language, origin: s.origin,
      origin_key: s.originKey, client_reference: s.clientReference, conversation_id: s.conversationId, escalation_id: s.escalationId,
      phone_hash: s.phoneHash, contact: s.contact, variables: JSON.stringify(s.variables), step: s.id, expires_at: s.expiresAt.toISOString(),
      purge_at: s.purgeAt.toISOString(), ended_at: s.status === "active" ? null : at, created_at: at, updated_at: at,
    },
    perNumber: { max: perNumberPerDay, ms: 86_400_000 },
    counted: "status != 'failed'",
    unlessConflict: ["tenant_id", "origin_key"],
  });
}

/** Earlier active sessions of the number end when a new survey is sent to it: replies go to the newest. */
export function supersedeStatement(db: D1Database, tenantId: string, phoneHash: string, keepId: string, now: Date): D1PreparedStatement {
  return db
    .prepare(`UPDATE survey_sessions SET status = 'superseded', ended_at = ?4, step = ?3 || ':superseded', updated_at = ?4 WHERE tenant_id = ?1 AND phone_hash = ?2 AND status = 'active' AND id != ?3
         AND EXISTS (SELECT 1 FROM survey_sessions s WHERE s.id = ?3 AND s.step = ?3)`)
    .bind(tenantId, phoneHash, keepId, now.toISOString());
}

export async function sessionByOrigin(db: D1Database, tenantId: string, originKey: string): Promise<SessionRow | null> {
  return db.prepare(`SELECT * FROM survey_sessions WHERE tenant_id = ?1 AND origin_key = ?2`).bind(tenantId, originKey).first<SessionRow>();
}

export async function sessionById(db: D1Database, id: string): Promise<SessionRow | null> {
  return db.prepare(`SELECT * FROM survey_sessions WHERE id = ?1`).bind(id).first<SessionRow>();
}

/** The number's latest session with this tenant (the one a reply is for). */
export async function latestSessionOf(db: D1Database, tenantId: string, phoneHash: string): Promise<SessionRow | null> {
  return db
    .prepare(`SELECT * FROM survey_sessions WHERE tenant_id = ?1 AND phone_hash = ?2 AND status != 'superseded' ORDER BY created_at DESC, rowid DESC LIMIT 1`)
    .bind(tenantId, phoneHash)
    .first<SessionRow>();
}

/**
 * Moves the session on, only if no other reply moved it since it was read (`step`):
 * the statements that follow check the new step, so a lost race changes nothing.
 */
export function advanceStatement(
  db: D1Database,
  row: Pick<SessionRow, "id" | "step">,
  next: { step: string; status: SessionStatus; current: string | null; endsSync: boolean; invalid?: boolean },
  now: Date,
): D1PreparedStatement {
  const at = now.toISOString();
  return db
    .prepare(
      `UPDATE survey_sessions SET step = ?3, status = ?4, current_element = ?5,
         ended_at = CASE WHEN ?4 = 'active' THEN NULL ELSE ?6 END,
         sf_status = CASE WHEN ?7 = 1 THEN 'pending' ELSE sf_status END, updated_at = ?6,
         invalid_replies = CASE WHEN ?8 = 1 THEN invalid_replies + 1 ELSE 0 END
       WHERE id = ?1 AND step = ?2`,
    )
    .bind(row.id, row.step, next.step, next.status, next.current, at, next.endsSync ? 1 : 0, next.invalid ? 1 : 0);
}

export function insertAnswerStatement(
  db: D1Database,
  session: Pick<SessionRow, "id" | "tenant_id" | "survey_id">,
  step: string,
  a: { elementId: string; kind: string; value: AnswerValue; sealedText: string | null },
  now: Date,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO survey_answers (session_id, element_id, tenant_id, survey_id, kind, value, text, answered_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 WHERE EXISTS (SELECT 1 FROM survey_sessions WHERE id = ?1 AND step = ?9)`,
    )
    .bind(session.id, a.elementId, session.tenant_id, session.survey_id, a.kind, a.sealedText === null ? JSON.stringify(a.value) : null, a.sealedText, now.toISOString(), step);
}

export const sealAnswerText = (keys: readonly string[], sessionId: string, elementId: string, text: string) => encrypt(keys, text, `survey-answer/${sessionId}/${elementId}`);
export const openAnswerText = (keys: readonly string[], sessionId: string, elementId: string, sealed: string) => decrypt(keys, sealed, `survey-answer/${sessionId}/${elementId}`);

export interface AnswerRow {
  session_id: string;
  element_id: string;
  kind: string;
  value: string | null;
  text: string | null;
  answered_at: string;
}

export async function answersOf(db: D1Database, sessionIds: readonly string[]): Promise<AnswerRow[]> {
  if (sessionIds.length === 0) return [];
  const { results } = await db
    .prepare(`SELECT session_id, element_id, kind, value, text, answered_at FROM survey_answers WHERE session_id IN (SELECT value FROM json_each(?1)) ORDER BY answered_at`)
    .bind(JSON.stringify(sessionIds))
    .all<AnswerRow>();
  return results;
}
