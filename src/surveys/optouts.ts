// Numbers that opted out of a tenant's surveys (STOP, or the provider says so): kept as
// keyed hashes, checked before every send, lifted by START.

export async function isOptedOut(db: D1Database, tenantId: string, phoneHash: string): Promise<boolean> {
  return (await db.prepare(`SELECT 1 AS x FROM survey_optouts WHERE tenant_id = ?1 AND phone_hash = ?2`).bind(tenantId, phoneHash).first("x")) !== null;
}

export function optOutStatement(db: D1Database, tenantId: string, phoneHash: string, source: "keyword" | "provider", now: Date): D1PreparedStatement {
  return db
    .prepare(`INSERT INTO survey_optouts (tenant_id, phone_hash, source, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING`)
    .bind(tenantId, phoneHash, source, now.toISOString());
}

export function optInStatement(db: D1Database, tenantId: string, phoneHash: string): D1PreparedStatement {
  return db.prepare(`DELETE FROM survey_optouts WHERE tenant_id = ?1 AND phone_hash = ?2`).bind(tenantId, phoneHash);
}

/** Active sessions of the number end as opted out. */
export function endSessionsStatement(db: D1Database, tenantId: string, phoneHash: string, now: Date): D1PreparedStatement {
  const at = now.toISOString();
  return db
    .prepare(
      `UPDATE survey_sessions SET status = 'opted_out', ended_at = ?3, step = id || ':opted_out', updated_at = ?3,
         sf_status = CASE WHEN EXISTS (SELECT 1 FROM survey_answers a WHERE a.session_id = survey_sessions.id) THEN 'pending' ELSE sf_status END
       WHERE tenant_id = ?1 AND phone_hash = ?2 AND status = 'active'`,
    )
    .bind(tenantId, phoneHash, at);
}
