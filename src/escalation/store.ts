// Every escalation in D1: when, tenant, conversation, outcome, provider reference; the
// number and name sealed (needed to retry), a keyed hash of the number for the limits.
import * as z from "zod";
import { countsByOutcome } from "../outreach/audit.ts";
import { insertWithinLimits } from "../outreach/limits.ts";
import { PHONE_PROBLEMS } from "../outreach/phone.ts";
import { notRefusedEarly, requestColumns } from "../outreach/request-row.ts";
import type { NewRequest } from "../outreach/request-row.ts";
import { outcomeOf } from "./answer.ts";
import type { AnswerStatus } from "./answer.ts";
import { decrypt, encrypt } from "../secrets/cipher.ts";

export type EscalationStatus = "requested" | "scheduled" | "rejected" | "retrying" | "failed" | "unknown_outcome";

export const Details = z.object({
  phone: z.string(),
  display: z.string(),
  extension: z.string().optional(),
  visitorName: z.string().optional(),
  reason: z.string().optional(),
  preferredTime: z.string().optional(),
});
export type Details = z.infer<typeof Details>;

export interface EscalationRow {
  id: string;
  tenant_id: string;
  conversation_id: string | null;
  status: EscalationStatus;
  reason: string | null;
  provider: string;
  provider_ref: string | null;
  attempts: number;
  details: string;
  language: string;
  created_at: string;
}

export const sealDetails = (keys: readonly string[], id: string, d: Details) => encrypt(keys, JSON.stringify(d), `escalation/${id}`);
export const openDetails = async (keys: readonly string[], row: Pick<EscalationRow, "id" | "details">) =>
  Details.parse(JSON.parse(await decrypt(keys, row.details, `escalation/${row.id}`)));

export async function findRecent(db: D1Database, tenantId: string, idem: string, since: Date): Promise<EscalationRow | null> {
  return db
    .prepare(`SELECT * FROM escalations WHERE tenant_id = ?1 AND idem_hash = ?2 AND created_at > ?3 AND ${NOT_EARLY} ORDER BY created_at DESC LIMIT 1`)
    .bind(tenantId, idem, since.toISOString())
    .first<EscalationRow>();
}

export async function get(db: D1Database, id: string): Promise<EscalationRow | null> {
  return db.prepare(`SELECT * FROM escalations WHERE id = ?1`).bind(id).first<EscalationRow>();
}

/** Refusals made before any call: recorded for the audit, not counted by the limits or the repeat window. */
const EARLY_REFUSALS = ["rate_limited", "consent_required", ...PHONE_PROBLEMS, "extension_not_supported"] as const;
const NOT_EARLY = notRefusedEarly(EARLY_REFUSALS);

export interface NewEscalation extends NewRequest {
  conversationId: string | undefined;
  status: EscalationStatus;
}

const columnsOf = (e: NewEscalation) => ({ ...requestColumns(e), conversation_id: e.conversationId ?? null });

/** Records a request refused before any call (for the audit). */
export async function insertRefusal(db: D1Database, e: NewEscalation): Promise<void> {
  const row = columnsOf(e);
  const columns = Object.keys(row);
  await db.prepare(`INSERT INTO escalations (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`).bind(...Object.values(row)).run();
}

/**
 * Inserts the escalation, as 'requested', unless a limit is reached or the same request
 * was made within the repeat window: one statement, so neither concurrent requests nor
 * a bot's concurrent retries can all get in.
 */
export async function insertWithinLimitsUnlessRecent(db: D1Database, e: NewEscalation, limits: { perNumberPerDay: number; perTenantPerMinute: number }, windowStart: Date): Promise<boolean> {
  const result = await insertWithinLimits(db, {
    table: "escalations",
    row: columnsOf(e),
    perNumber: { max: limits.perNumberPerDay, ms: 86_400_000 },
    perTenant: { max: limits.perTenantPerMinute, ms: 60_000 },
    counted: NOT_EARLY,
    unlessRepeat: { column: "idem_hash", value: e.idemHash, since: windowStart },
  }).run();
  return result.meta.changes > 0;
}

export function updateStatement(db: D1Database, id: string, status: EscalationStatus, fields: { reason?: string | null; providerRef?: string | null; attempt?: boolean }, now: Date): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE escalations SET status = ?2, reason = ?3, provider_ref = coalesce(?4, provider_ref), attempts = attempts + ?5, updated_at = ?6 WHERE id = ?1`,
    )
    .bind(id, status, fields.reason ?? null, fields.providerRef ?? null, fields.attempt ? 1 : 0, now.toISOString());
}

/** Takes a 'retrying' escalation for one attempt; false when another took it or it is done. */
export async function claimForRetry(db: D1Database, id: string, now: Date): Promise<boolean> {
  const r = await db.prepare(`UPDATE escalations SET status = 'requested', updated_at = ?2 WHERE id = ?1 AND status = 'retrying'`).bind(id, now.toISOString()).run();
  return r.meta.changes > 0;
}

/** A 'retrying' escalation whose queued attempts are exhausted: failed; its conversation, if any. */
export async function failExhausted(db: D1Database, id: string, now: Date): Promise<{ conversation_id: string | null } | null> {
  return db
    .prepare(`UPDATE escalations SET status = 'failed', reason = 'retries_exhausted', updated_at = ?2 WHERE id = ?1 AND status = 'retrying' RETURNING conversation_id`)
    .bind(id, now.toISOString())
    .first<{ conversation_id: string | null }>();
}

/** What the CRM shows of a conversation's latest escalation. */
export async function latestForConversation(db: D1Database, tenantId: string, conversationId: string): Promise<{ status: EscalationStatus; reason: string | null; provider_ref: string | null; created_at: string } | null> {
  return db
    .prepare(`SELECT status, reason, provider_ref, created_at FROM escalations WHERE tenant_id = ?1 AND conversation_id = ?2 ORDER BY created_at DESC LIMIT 1`)
    .bind(tenantId, conversationId)
    .first();
}

/** The latest escalation of each of these conversations (those that have one), in one query. */
export async function latestForConversations(
  db: D1Database,
  tenantId: string,
  conversationIds: readonly string[],
): Promise<Map<string, { status: EscalationStatus; reason: string | null; provider_ref: string | null; created_at: string }>> {
  const { results } = await db
    .prepare(
      `SELECT conversation_id, status, reason, provider_ref, created_at FROM escalations
       WHERE tenant_id = ?1 AND conversation_id IN (SELECT value FROM json_each(?2)) ORDER BY created_at DESC`,
    )
    .bind(tenantId, JSON.stringify(conversationIds))
    .all<{ conversation_id: string; status: EscalationStatus; reason: string | null; provider_ref: string | null; created_at: string }>();
  const out = new Map<string, { status: EscalationStatus; reason: string | null; provider_ref: string | null; created_at: string }>();
  for (const { conversation_id, ...e } of results) if (!out.has(conversation_id)) out.set(conversation_id, e);
  return out;
}

export interface AuditRow {
  id: string;
  createdAt: string;
  conversationId: string | null;
  /** What the bot is told of it: scheduled, invalid_phone, rejected or pending. */
  outcome: AnswerStatus;
  status: EscalationStatus;
  reason: string | null;
  provider: string;
  providerRef: string | null;
  country: string | null;
  consent: boolean | null;
  attempts: number;
}

/** The tenant's escalations for an audit: never the number or the name. */
export async function audit(db: D1Database, tenantId: string, since: Date, limit: number): Promise<AuditRow[]> {
  const { results } = await db
    .prepare(
      `SELECT id, created_at, conversation_id, status, reason, provider, provider_ref, country, consent, attempts
       FROM escalations WHERE tenant_id = ?1 AND created_at >= ?2 ORDER BY created_at DESC LIMIT ?3`,
    )
    .bind(tenantId, since.toISOString(), limit)
    .all<{ id: string; created_at: string; conversation_id: string | null; status: EscalationStatus; reason: string | null; provider: string; provider_ref: string | null; country: string | null; consent: number | null; attempts: number }>();
  return results.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    conversationId: r.conversation_id,
    outcome: outcomeOf(r.status, r.reason).status,
    status: r.status,
    reason: r.reason,
    provider: r.provider,
    providerRef: r.provider_ref,
    country: r.country,
    consent: r.consent === null ? null : r.consent === 1,
    attempts: r.attempts,
  }));
}

/** The tenant's escalations counted by what the bot was told (scheduled, invalid_phone, rejected, pending). */
export function countsByStatus(db: D1Database, tenantId: string, since: Date): Promise<Record<string, number>> {
  return countsByOutcome<EscalationStatus>(db, "escalations", tenantId, since, (status, reason) => outcomeOf(status, reason).status);
}
