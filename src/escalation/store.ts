// Every escalation in D1: when, tenant, conversation, outcome, provider reference; the
// number and name sealed (needed to retry), a keyed hash of the number for the limits.
import * as z from "zod";
import { hmacSha256Hex } from "../lib/hmac.ts";
import { decrypt, encrypt } from "../secrets/cipher.ts";

export type EscalationStatus = "requested" | "scheduled" | "rejected" | "retrying" | "failed" | "unknown_outcome";

export const Details = z.object({
  phone: z.string(),
  display: z.string(),
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

/** A keyed hash, so that the D1 copy of a number cannot be reversed by enumeration. */
export function phoneHash(keys: readonly string[], tenantId: string, e164: string): Promise<string> {
  return hmacSha256Hex(keys[0] ?? "", `${tenantId}:phone:${e164}`);
}

export function idemHash(keys: readonly string[], tenantId: string, e164: string, conversationId: string | undefined): Promise<string> {
  return hmacSha256Hex(keys[0] ?? "", `${tenantId}:idem:${e164}:${conversationId ?? ""}`);
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
export const EARLY_REFUSALS = ["rate_limited", "consent_required", "empty", "not_a_number", "too_short", "too_long", "invalid", "country_not_served", "number_type_not_allowed"] as const;
const NOT_EARLY = `NOT (status = 'rejected' AND reason IN (${EARLY_REFUSALS.map((r) => `'${r}'`).join(", ")}))`;

/** Requests counted by the rate limits: those that got as far as the call-centre platform. */
export async function counts(db: D1Database, tenantId: string, phone: string, dayAgo: Date, minuteAgo: Date): Promise<{ number: number; tenant: number }> {
  const row = await db
    .prepare(
      `SELECT
         SUM(CASE WHEN phone_hash = ?2 AND created_at > ?3 THEN 1 ELSE 0 END) AS number,
         SUM(CASE WHEN created_at > ?4 THEN 1 ELSE 0 END) AS tenant
       FROM escalations WHERE tenant_id = ?1 AND created_at > ?3 AND ${NOT_EARLY}`,
    )
    .bind(tenantId, phone, dayAgo.toISOString(), minuteAgo.toISOString())
    .first<{ number: number | null; tenant: number | null }>();
  return { number: row?.number ?? 0, tenant: row?.tenant ?? 0 };
}

export interface NewEscalation {
  id: string;
  tenantId: string;
  conversationId: string | undefined;
  status: EscalationStatus;
  reason: string | null;
  provider: string;
  phoneHash: string;
  idemHash: string;
  details: string;
  country: string | null;
  language: string;
  consent: boolean | undefined;
  now: Date;
}

/**
 * Inserts the escalation unless one with the same idempotency hash was made within the
 * window (one statement, so two concurrent retries of a bot cannot both get in).
 */
export async function insertUnlessRecent(db: D1Database, e: NewEscalation, windowStart: Date): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO escalations (id, tenant_id, conversation_id, status, reason, provider, phone_hash, idem_hash, details, country, language, consent, created_at, updated_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13
       WHERE NOT EXISTS (
         SELECT 1 FROM escalations WHERE tenant_id = ?2 AND idem_hash = ?8 AND created_at > ?14
           AND ${NOT_EARLY})`,
    )
    .bind(
      e.id,
      e.tenantId,
      e.conversationId ?? null,
      e.status,
      e.reason,
      e.provider,
      e.phoneHash,
      e.idemHash,
      e.details,
      e.country,
      e.language,
      e.consent === undefined ? null : e.consent ? 1 : 0,
      e.now.toISOString(),
      windowStart.toISOString(),
    )
    .run();
  return result.meta.changes > 0;
}

export function updateStatement(db: D1Database, id: string, status: EscalationStatus, fields: { reason?: string | null; providerRef?: string | null; attempt?: boolean }, now: Date): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE escalations SET status = ?2, reason = ?3, provider_ref = coalesce(?4, provider_ref), attempts = attempts + ?5, updated_at = ?6 WHERE id = ?1`,
    )
    .bind(id, status, fields.reason ?? null, fields.providerRef ?? null, fields.attempt ? 1 : 0, now.toISOString());
}

/** What the CRM shows of a conversation's latest escalation. */
export async function latestForConversation(db: D1Database, tenantId: string, conversationId: string): Promise<{ status: EscalationStatus; reason: string | null; provider_ref: string | null; created_at: string } | null> {
  return db
    .prepare(`SELECT status, reason, provider_ref, created_at FROM escalations WHERE tenant_id = ?1 AND conversation_id = ?2 ORDER BY created_at DESC LIMIT 1`)
    .bind(tenantId, conversationId)
    .first();
}

export interface AuditRow {
  id: string;
  createdAt: string;
  conversationId: string | null;
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
    status: r.status,
    reason: r.reason,
    provider: r.provider,
    providerRef: r.provider_ref,
    country: r.country,
    consent: r.consent === null ? null : r.consent === 1,
    attempts: r.attempts,
  }));
}

export async function countsByStatus(db: D1Database, tenantId: string, since: Date): Promise<Record<string, number>> {
  const { results } = await db
    .prepare(`SELECT status, COUNT(*) AS n FROM escalations WHERE tenant_id = ?1 AND created_at >= ?2 GROUP BY status`)
    .bind(tenantId, since.toISOString())
    .all<{ status: string; n: number }>();
  return Object.fromEntries(results.map((r) => [r.status, r.n]));
}
