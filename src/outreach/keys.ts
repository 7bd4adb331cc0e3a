// The key in a capability's public URL (a bot's API connection, an IVR's call): its
// SHA-256 finds the tenant; the key itself is never kept. One table per capability.
import { toHex } from "../lib/hmac.ts";

export const MIN_KEY_LENGTH = 24;

/** The tables that hold keys, one per capability; each has key_hash (primary key) and tenant_id (unique). */
export type KeyTable = "escalation_keys" | "deflection_keys";

export async function keyHash(key: string): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
}

export interface EndpointKeys {
  tenantOf(db: D1Database, key: string): Promise<string | null>;
  /** The statements that make `key` (or no key) the tenant's. */
  setStatements(db: D1Database, tenantId: string, key: string | undefined): Promise<D1PreparedStatement[]>;
}

export function endpointKeys(table: KeyTable): EndpointKeys {
  return {
    async tenantOf(db, key) {
      return db.prepare(`SELECT tenant_id FROM ${table} WHERE key_hash = ?1`).bind(await keyHash(key)).first<string>("tenant_id");
    },
    async setStatements(db, tenantId, key) {
      const remove = db.prepare(`DELETE FROM ${table} WHERE tenant_id = ?1`).bind(tenantId);
      if (!key) return [remove];
      return [remove, db.prepare(`INSERT INTO ${table} (key_hash, tenant_id) VALUES (?1, ?2)`).bind(await keyHash(key), tenantId)];
    },
  };
}
