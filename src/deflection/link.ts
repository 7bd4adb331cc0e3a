// Back into the CRM: a messaging conversation (SMS, WhatsApp, Apple, Google) of the tenant
// whose visitor's phone, as the sync resolves it, is the number of a deflection made
// within `linkHours` before it started, is the caller moved from the IVR. The sync puts
// which deflection, when, why and on which channel on its Conversation record, and the
// deflection keeps the conversation it led to (for the audit).
import { hashingKey } from "../outreach/hashing-key.ts";
import { numberHash } from "../outreach/hashes.ts";
import { checkPhone } from "../outreach/phone.ts";
import type { DeflectionConfig } from "./config.ts";
import { openDetails } from "./store.ts";

/** iAdvize's names of the messaging channels a deflection leads to (closedConversations' channel filter). */
const MESSAGING_CHANNELS: ReadonlySet<string> = new Set(["SMS", "WHATSAPP", "APPLE_BUSINESS_CHAT", "GOOGLE_BUSINESS_MESSAGES"]);

/** The conversation may be stamped a little before the deflection by another clock. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface DeflectionLink {
  id: string;
  at: string;
  reason: string | null;
  channel: string | null;
}

export interface LinkQuery {
  conversationId: string;
  channel: string | null;
  startedAt: string | null;
  /** The visitor's phone as the sync resolved it, as written. */
  phone: string | undefined;
}

export async function deflectionLink(
  db: D1Database,
  keys: readonly string[],
  tenantId: string,
  settings: DeflectionConfig | undefined,
  q: LinkQuery,
): Promise<{ link: DeflectionLink; statement: D1PreparedStatement } | null> {
  if (!settings || !q.phone || !q.startedAt || !MESSAGING_CHANNELS.has((q.channel ?? "").toUpperCase())) return null;
  const started = Date.parse(q.startedAt);
  if (Number.isNaN(started)) return null;
  const phone = checkPhone(q.phone, settings.defaultCountry, settings.allowedCountries);
  if (!phone.ok) return null;
  const hash = await numberHash(await hashingKey(db, keys), tenantId, phone.e164);
  // A refusal sent nothing; anything else may have reached the caller (the conversation says it did).
  const row = await db
    .prepare(
      `SELECT id, details, channel, created_at FROM deflections
       WHERE tenant_id = ?1 AND phone_hash = ?2 AND created_at > ?3 AND created_at <= ?4 AND status NOT IN ('rejected', 'failed')
       ORDER BY created_at DESC LIMIT 1`,
    )
    .bind(tenantId, hash, new Date(started - settings.linkHours * 3_600_000).toISOString(), new Date(started + CLOCK_SKEW_MS).toISOString())
    .first<{ id: string; details: string; channel: string | null; created_at: string }>();
  if (!row) return null;
  const details = await openDetails(keys, row);
  return {
    link: { id: row.id, at: row.created_at, reason: details.reason ?? details.topic ?? null, channel: row.channel },
    statement: db.prepare(`UPDATE deflections SET conversation_id = ?2 WHERE id = ?1 AND conversation_id IS NULL`).bind(row.id, q.conversationId),
  };
}
