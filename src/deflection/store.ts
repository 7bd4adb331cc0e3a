// Every deflection in D1: when, outcome, channel, provider reference, consent; the number
// and the IVR's context sealed (needed to retry, and to say why on the CRM), otherwise only
// a keyed hash of the number, for the limits and the link to a later conversation.
import * as z from "zod";
import { countsByOutcome } from "../outreach/audit.ts";
import { insertWithinLimits } from "../outreach/limits.ts";
import { PHONE_PROBLEMS } from "../outreach/phone.ts";
import { notRefusedEarly, requestColumns } from "../outreach/request-row.ts";
import type { NewRequest } from "../outreach/request-row.ts";
import { decrypt, encrypt } from "../secrets/cipher.ts";
import { outcomeOf } from "./answer.ts";
import type { AnswerStatus, DeflectionStatus } from "./answer.ts";
import type { Mode } from "./config.ts";

const FieldValues = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
export const Details = z.object({
  phone: z.string(),
  reason: z.string().optional(),
  topic: z.string().optional(),
  conversationFields: FieldValues,
  customerFields: FieldValues,
});
export type Details = z.infer<typeof Details>;

export interface DeflectionRow {
  id: string;
  tenant_id: string;
  phone_hash: string;
  status: DeflectionStatus;
  reason: string | null;
  provider: string;
  mode: Mode;
  channel: string | null;
  provider_ref: string | null;
  attempts: number;
  details: string;
  language: string;
  conversation_id: string | null;
  created_at: string;
}

export const sealDetails = (keys: readonly string[], id: string, d: Details) => encrypt(keys, JSON.stringify(d), `deflection/${id}`);
export const openDetails = async (keys: readonly string[], row: Pick<DeflectionRow, "id" | "details">) =>
  Details.parse(JSON.parse(await decrypt(keys, row.details, `deflection/${row.id}`)));

/** Refusals made before any message: recorded for the audit, not counted by the limits or the callId. */
const EARLY_REFUSALS = ["rate_limited", "consent_required", "not_mobile", ...PHONE_PROBLEMS] as const;
const NOT_EARLY = notRefusedEarly(EARLY_REFUSALS);

export async function findByCall(db: D1Database, tenantId: string, idem: string, since: Date): Promise<DeflectionRow | null> {
  return db
    .prepare(`SELECT * FROM deflections WHERE tenant_id = ?1 AND idem_hash = ?2 AND created_at > ?3 AND ${NOT_EARLY} ORDER BY created_at DESC LIMIT 1`)
    .bind(tenantId, idem, since.toISOString())
    .first<DeflectionRow>();
}

export async function get(db: D1Database, id: string): Promise<DeflectionRow | null> {
  return db.prepare(`SELECT * FROM deflections WHERE id = ?1`).bind(id).first<DeflectionRow>();
}

export interface NewDeflection extends NewRequest {
  status: DeflectionStatus;
  mode: Mode;
}

const columnsOf = (e: NewDeflection) => ({ ...requestColumns(e), mode: e.mode });

/**
 * Counts a request refused before any message (for the audit): one row per tenant, reason,
 * consent, country and minute, whose `requests` says how many it stands for (no number,
 * no details: nothing is retried). Returns the id of that row, the one the IVR is told.
 */
export async function recordRefusal(db: D1Database, e: NewDeflection): Promise<string> {
  const base = columnsOf(e);
  const key = [e.reason, base.consent, e.country, base.created_at.slice(0, 16)].join("|");
  const row = { ...base, phone_hash: "", idem_hash: e.id, details: "", refusal_key: key };
  const columns = Object.keys(row);
  const id = await db
    .prepare(
      `INSERT INTO deflections (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})
       ON CONFLICT (tenant_id, refusal_key) WHERE refusal_key IS NOT NULL DO UPDATE SET requests = deflections.requests + 1, updated_at = excluded.updated_at
       RETURNING id`,
    )
    .bind(...Object.values(row))
    .first<string>("id");
  return id ?? e.id;
}

/**
 * Inserts the deflection as 'requested' unless a limit is reached or the IVR's callId was
 * seen already: one statement, so neither concurrent calls nor an IVR's retries all get in.
 */
export async function insertWithinLimitsUnlessSameCall(db: D1Database, e: NewDeflection, limits: { perNumberPerDay: number; perTenantPerMinute: number }, since: Date): Promise<boolean> {
  const result = await insertWithinLimits(db, {
    table: "deflections",
    row: columnsOf(e),
    perNumber: { max: limits.perNumberPerDay, ms: 86_400_000 },
    perTenant: { max: limits.perTenantPerMinute, ms: 60_000 },
    counted: NOT_EARLY,
    unlessRepeat: { column: "idem_hash", value: e.idemHash, since },
  }).run();
  return result.meta.changes > 0;
}

export function updateStatement(
  db: D1Database,
  id: string,
  status: DeflectionStatus,
  fields: { reason?: string | null; channel?: string | null; providerRef?: string | null; attempt?: boolean },
  now: Date,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE deflections SET status = ?2, reason = ?3, channel = coalesce(?4, channel), provider_ref = coalesce(?5, provider_ref), attempts = attempts + ?6, updated_at = ?7 WHERE id = ?1`,
    )
    .bind(id, status, fields.reason ?? null, fields.channel ?? null, fields.providerRef ?? null, fields.attempt ? 1 : 0, now.toISOString());
}

/** Takes a 'retrying' deflection for one attempt; false when another took it or it is done. */
export async function claimForRetry(db: D1Database, id: string, now: Date): Promise<boolean> {
  const r = await db.prepare(`UPDATE deflections SET status = 'requested', updated_at = ?2 WHERE id = ?1 AND status = 'retrying'`).bind(id, now.toISOString()).run();
  return r.meta.changes > 0;
}

/** A 'retrying' deflection whose queued attempts are exhausted: failed. */
export async function failExhausted(db: D1Database, id: string, now: Date): Promise<boolean> {
  const r = await db.prepare(`UPDATE deflections SET status = 'failed', reason = 'retries_exhausted', updated_at = ?2 WHERE id = ?1 AND status = 'retrying'`).bind(id, now.toISOString()).run();
  return r.meta.changes > 0;
}

export interface AuditRow {
  id: string;
  createdAt: string;
  /** What the IVR was told of it. */
  outcome: AnswerStatus;
  status: DeflectionStatus;
  reason: string | null;
  provider: string;
  mode: Mode;
  channel: string | null;
  providerRef: string | null;
  country: string | null;
  consent: boolean | null;
  attempts: number;
  conversationId: string | null;
  /** How many requests the row stands for: more than one for refusals counted in the same minute. */
  requests: number;
}

/** The tenant's deflections for an audit: never the number or the IVR's texts. */
export async function audit(db: D1Database, tenantId: string, since: Date, limit: number): Promise<AuditRow[]> {
  const { results } = await db
    .prepare(
      `SELECT id, created_at, status, reason, provider, mode, channel, provider_ref, country, consent, attempts, conversation_id, requests
       FROM deflections WHERE tenant_id = ?1 AND created_at >= ?2 ORDER BY created_at DESC LIMIT ?3`,
    )
    .bind(tenantId, since.toISOString(), limit)
    .all<{ id: string; created_at: string; status: DeflectionStatus; reason: string | null; provider: string; mode: Mode; channel: string | null; provider_ref: string | null; country: string | null; consent: number | null; attempts: number; conversation_id: string | null; requests: number }>();
  return results.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    outcome: outcomeOf(r.status, r.reason).status,
    status: r.status,
    reason: r.reason,
    provider: r.provider,
    mode: r.mode,
    channel: r.channel,
    providerRef: r.provider_ref,
    country: r.country,
    consent: r.consent === null ? null : r.consent === 1,
    attempts: r.attempts,
    conversationId: r.conversation_id,
    requests: r.requests,
  }));
}

/** The tenant's deflections counted by what the IVR was told (sent, pending, invalid_phone, not_mobile, consent_required, rate_limited, rejected). */
export function countsByStatus(db: D1Database, tenantId: string, since: Date): Promise<Record<string, number>> {
  return countsByOutcome<DeflectionStatus>(db, "deflections", tenantId, since, (status, reason) => outcomeOf(status, reason).status);
}
