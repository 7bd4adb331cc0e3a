// Tenants in D1: settings in clear, secrets sealed with the Worker's ENCRYPTION_KEY.
import * as z from "zod";
import { decrypt, encrypt } from "../secrets/cipher.ts";
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

interface TenantRow {
  id: string;
  settings: string;
  secrets: string;
  created_at: string;
  updated_at: string;
}

const SecretsJson = z.partialRecord(z.enum(SECRET_PATHS), z.string());
const SettingsJson = z.record(z.string(), z.unknown());

async function fromRow(row: TenantRow, keys: readonly string[]): Promise<TenantRecord> {
  return {
    id: row.id,
    settings: SettingsJson.parse(JSON.parse(row.settings)),
    secrets: SecretsJson.parse(JSON.parse(await decrypt(keys, row.secrets, row.id))),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
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

export async function listTenants(db: D1Database, keys: readonly string[]): Promise<TenantRecord[]> {
  const { results } = await db.prepare(`SELECT * FROM tenants ORDER BY id`).all<TenantRow>();
  return Promise.all(results.map((r) => fromRow(r, keys)));
}

/** Saves the tenant; true when it is new. */
export async function saveTenant(
  db: D1Database,
  keys: readonly string[],
  id: string,
  settings: Record<string, unknown>,
  secrets: Secrets,
  now: Date,
): Promise<boolean> {
  const at = now.toISOString();
  const sealed = await encrypt(keys, JSON.stringify(secrets), id);
  const row = await db
    .prepare(
      `INSERT INTO tenants (id, settings, secrets, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)
       ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, secrets = excluded.secrets, updated_at = excluded.updated_at
       RETURNING created_at`,
    )
    .bind(id, JSON.stringify(settings), sealed, at)
    .first<{ created_at: string }>();
  return row?.created_at === at;
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
