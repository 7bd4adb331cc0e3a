// How a request finds its tenant: the send key's SHA-256 (like the escalation key), and
// the tenant's sender number at its SMS provider, on which the customers' replies arrive.
import { keyHash } from "../outreach/keys.ts";

export async function tenantOfSurveyKey(db: D1Database, key: string): Promise<string | null> {
  return db.prepare(`SELECT tenant_id FROM survey_keys WHERE key_hash = ?1`).bind(await keyHash(key)).first<string>("tenant_id");
}

export async function tenantOfSender(db: D1Database, provider: string, address: string): Promise<string | null> {
  return db.prepare(`SELECT tenant_id FROM survey_senders WHERE provider = ?1 AND address = ?2`).bind(provider, address).first<string>("tenant_id");
}

/** The statements that make this key and sender (or none) the tenant's. */
export async function surveyRoutingStatements(
  db: D1Database,
  tenantId: string,
  surveys: { key: string | undefined; provider: { type: string; from: string } } | undefined,
): Promise<D1PreparedStatement[]> {
  const statements = [
    db.prepare(`DELETE FROM survey_keys WHERE tenant_id = ?1`).bind(tenantId),
    db.prepare(`DELETE FROM survey_senders WHERE tenant_id = ?1`).bind(tenantId),
  ];
  if (!surveys) return statements;
  if (surveys.key) statements.push(db.prepare(`INSERT INTO survey_keys (key_hash, tenant_id) VALUES (?1, ?2)`).bind(await keyHash(surveys.key), tenantId));
  statements.push(db.prepare(`INSERT INTO survey_senders (provider, address, tenant_id) VALUES (?1, ?2, ?3)`).bind(surveys.provider.type, surveys.provider.from, tenantId));
  return statements;
}
