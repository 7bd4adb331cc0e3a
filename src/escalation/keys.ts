// The key in a bot's API connection URL: its SHA-256 finds the tenant; the key is not kept.
import { toHex } from "../lib/hmac.ts";

export const MIN_KEY_LENGTH = 24;

export async function keyHash(key: string): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
}

export async function tenantOfKey(db: D1Database, key: string): Promise<string | null> {
  return db.prepare(`SELECT tenant_id FROM escalation_keys WHERE key_hash = ?1`).bind(await keyHash(key)).first<string>("tenant_id");
}

/** The statements that make `key` (or no key) the tenant's. */
export async function setKeyStatements(db: D1Database, tenantId: string, key: string | undefined): Promise<D1PreparedStatement[]> {
  const remove = db.prepare(`DELETE FROM escalation_keys WHERE tenant_id = ?1`).bind(tenantId);
  if (!key) return [remove];
  return [remove, db.prepare(`INSERT INTO escalation_keys (key_hash, tenant_id) VALUES (?1, ?2)`).bind(await keyHash(key), tenantId)];
}
