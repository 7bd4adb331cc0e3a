// Tenants in D1: settings in clear, secrets sealed with the Worker's ENCRYPTION_KEY.
import * as z from "zod";
import { DecryptionError, decrypt, encrypt } from "../secrets/cipher.ts";
import type { TenantConfig } from "./schema.ts";
import { SECRET_PATHS } from "./schema.ts";
import type { Secrets } from "./secrets.ts";
import { joinSecrets } from "./secrets.ts";

export interface TenantRecord {
  id: string;
  settings: Record<string, unknown>;
  secrets: Secrets;
  createdAt: string;
  updatedAt: string;
}

/** A tenant as the operator's list shows it: its secrets may be sealed under a key the Worker no longer has. */
export type TenantListing = (TenantRecord & { secretsUnreadable?: false }) | (Omit<TenantRecord, "secrets"> & { secretsUnreadable: true });

interface TenantRow {
  id: string;
  settings: string;
  secrets: string;
  created_at: string;
  updated_at: string;
}

const SecretsJson = z.partialRecord(z.enum(SECRET_PATHS), z.string());
const SettingsJson = z.record(z.string(), z.unknown());

function withoutSecrets(row: TenantRow): Omit<TenantRecord, "secrets"> {
  return { id: row.id, settings: SettingsJson.parse(JSON.parse(row.settings)), createdAt: row.created_at, updatedAt: row.updated_at };
}

async function fromRow(row: TenantRow, keys: readonly string[]): Promise<TenantRecord> {
  return { ...withoutSecrets(row), secrets: SecretsJson.parse(JSON.parse(await decrypt(keys, row.secrets, row.id))) };
}

export async function getTenant(db: D1Database, keys: readonly string[], id: string): Promise<TenantRecord | null> {
  const row = await db.prepare(`SELECT * FROM tenants WHERE id = ?1`).bind(id).first<TenantRow>();
  return row ? fromRow(row, keys) : null;
}

/** The tenant's configuration with its secrets, ready for the integrations. */
export async function getTenantConfig(
  db: D1Database,
  keys: readonly string[],
  id: string,
): Promise<TenantConfig | null> {
  const record = await getTenant(db, keys, id);
  return record ? joinSecrets(record.settings, record.secrets) : null;
}

/**
 * Every tenant. One whose secrets no ENCRYPTION_KEY opens (a key removed too early) is
 * listed as such rather than failing the whole list.
 */
export async function listTenants(db: D1Database, keys: readonly string[]): Promise<TenantListing[]> {
  const { results } = await db.prepare(`SELECT * FROM tenants ORDER BY id`).all<TenantRow>();
  return Promise.all(
    results.map(async (r): Promise<TenantListing> => {
      try {
        return await fromRow(r, keys);
      } catch (err) {
        if (!(err instanceof DecryptionError)) throw err;
        return { ...withoutSecrets(r), secretsUnreadable: true };
      }
    }),
  );
}

/** Saves the tenant; true when it is new. */
/**
 * The statement that writes a tenant's configuration, to run in one batch with what
 * routes to it (keys, sender numbers), so that both are written or neither. Its first
 * row says `created_at`: equal to `now` when the tenant is new.
 */
export async function saveTenantStatement(
  db: D1Database,
  keys: readonly string[],
  id: string,
  settings: Record<string, unknown>,
  secrets: Secrets,
  now: Date,
): Promise<D1PreparedStatement> {
  const sealed = await encrypt(keys, JSON.stringify(secrets), id);
  return db
    .prepare(
      `INSERT INTO tenants (id, settings, secrets, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)
       ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, secrets = excluded.secrets, updated_at = excluded.updated_at
       RETURNING created_at`,
    )
    .bind(id, JSON.stringify(settings), sealed, now.toISOString());
}

export async function deleteTenant(db: D1Database, id: string): Promise<boolean> {
  const result = await db.prepare(`DELETE FROM tenants WHERE id = ?1`).bind(id).run();
  return result.meta.changes > 0;
}

/** Which of these tenant ids are configured. */
export async function configuredTenants(db: D1Database, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const placeholders = ids.map((_, i) => `?${i + 1}`).join(",");
  const { results } = await db
    .prepare(`SELECT id FROM tenants WHERE id IN (${placeholders})`)
    .bind(...ids)
    .all<{ id: string }>();
  return new Set(results.map((r) => r.id));
}
