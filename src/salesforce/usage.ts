// What the connector costs each tenant in Salesforce API calls, per UTC day.
import type { ApiUsage } from "./api.ts";

export function recordUsage(db: D1Database, tenantId: string, calls: number, conversations: number, usage: ApiUsage | undefined, now: Date): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO salesforce_usage (tenant_id, day, calls, conversations, api_used, api_limit, api_read_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?5 IS NULL THEN NULL ELSE ?7 END, ?7)
       ON CONFLICT (tenant_id, day) DO UPDATE SET
         calls = calls + excluded.calls,
         conversations = conversations + excluded.conversations,
         api_used = coalesce(excluded.api_used, api_used),
         api_limit = coalesce(excluded.api_limit, api_limit),
         api_read_at = coalesce(excluded.api_read_at, api_read_at),
         updated_at = excluded.updated_at`,
    )
    .bind(tenantId, now.toISOString().slice(0, 10), calls, conversations, usage?.used ?? null, usage?.limit ?? null, now.toISOString());
}

export interface UsageView {
  day: string;
  calls: number;
  conversations: number;
  callsPerConversation: number | null;
  orgApiUsed: number | null;
  orgApiLimit: number | null;
}

export async function usageOf(db: D1Database, tenantId: string, days = 7): Promise<UsageView[]> {
  const { results } = await db
    .prepare(`SELECT day, calls, conversations, api_used, api_limit FROM salesforce_usage WHERE tenant_id = ?1 ORDER BY day DESC LIMIT ?2`)
    .bind(tenantId, days)
    .all<{ day: string; calls: number; conversations: number; api_used: number | null; api_limit: number | null }>();
  return results.map((r) => ({
    day: r.day,
    calls: r.calls,
    conversations: r.conversations,
    callsPerConversation: r.conversations > 0 ? Math.round((r.calls / r.conversations) * 1000) / 1000 : null,
    orgApiUsed: r.api_used,
    orgApiLimit: r.api_limit,
  }));
}
