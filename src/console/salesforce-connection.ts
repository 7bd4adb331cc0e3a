// What "Connect Salesforce" learnt about the org it connected, kept to show the admin.
import type { ConnectionInfo } from "../salesforce/web-server-flow.ts";

export interface StoredConnection extends ConnectionInfo {
  instanceUrl: string;
  connectedAt: string;
}

export async function saveConnection(db: D1Database, tenantId: string, info: ConnectionInfo, instanceUrl: string, now: Date): Promise<void> {
  await db
    .prepare(
      `INSERT INTO salesforce_connections (tenant_id, org_id, username, instance_url, api_max, api_remaining, connected_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
       ON CONFLICT (tenant_id) DO UPDATE SET org_id = excluded.org_id, username = excluded.username, instance_url = excluded.instance_url,
         api_max = excluded.api_max, api_remaining = excluded.api_remaining, connected_at = excluded.connected_at`,
    )
    .bind(tenantId, info.orgId, info.username, instanceUrl, info.apiMax, info.apiRemaining, now.toISOString())
    .run();
}

export async function connectionOf(db: D1Database, tenantId: string): Promise<StoredConnection | null> {
  const row = await db
    .prepare(`SELECT org_id, username, instance_url, api_max, api_remaining, connected_at FROM salesforce_connections WHERE tenant_id = ?1`)
    .bind(tenantId)
    .first<{ org_id: string; username: string; instance_url: string; api_max: number | null; api_remaining: number | null; connected_at: string }>();
  return row
    ? { orgId: row.org_id, username: row.username, instanceUrl: row.instance_url, apiMax: row.api_max, apiRemaining: row.api_remaining, connectedAt: row.connected_at }
    : null;
}
