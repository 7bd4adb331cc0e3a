// What a tenant's budget is judged from: the calls the connector made today (UTC) and the
// org's counter as last read (Sforce-Limit-Info on every answer, or a /limits probe).
import * as z from "zod";
import { DEFAULT_BUDGET, budgetConfig } from "./config.ts";
import type { BudgetConfig } from "./config.ts";
import { log } from "../log.ts";

export interface OrgReading {
  used: number;
  limit: number;
  readAt: number;
}

export interface BudgetUsage {
  day: string;
  /** Calls the connector made today. */
  calls: number;
  /** The org's counter as last read, if ever. */
  org: OrgReading | null;
}

const Reading = z.object({ api_used: z.number(), api_limit: z.number(), api_read_at: z.string() });
const stored = budgetConfig();

export async function budgetUsage(db: D1Database, tenantId: string, now: number): Promise<BudgetUsage> {
  const day = new Date(now).toISOString().slice(0, 10);
  const [today, latest] = await db.batch([
    db.prepare(`SELECT calls FROM salesforce_usage WHERE tenant_id = ?1 AND day = ?2`).bind(tenantId, day),
    db
      .prepare(
        `SELECT api_used, api_limit, api_read_at FROM salesforce_usage
         WHERE tenant_id = ?1 AND api_read_at IS NOT NULL AND api_used IS NOT NULL AND api_limit IS NOT NULL
         ORDER BY api_read_at DESC LIMIT 1`,
      )
      .bind(tenantId),
  ]);
  const calls = z.object({ calls: z.number() }).safeParse(today?.results[0]);
  const reading = Reading.safeParse(latest?.results[0]);
  return {
    day,
    calls: calls.success ? calls.data.calls : 0,
    org: reading.success ? { used: reading.data.api_used, limit: reading.data.api_limit, readAt: Date.parse(reading.data.api_read_at) } : null,
  };
}

/** The tenant's budget setting, or the defaults. */
export async function budgetOf(db: D1Database, tenantId: string): Promise<BudgetConfig> {
  const raw = await db.prepare(`SELECT json_extract(settings, '$.budget') AS budget FROM tenants WHERE id = ?1`).bind(tenantId).first<string | null>("budget");
  if (raw === null || raw === undefined) return DEFAULT_BUDGET;
  const parsed = stored.safeParse(JSON.parse(raw));
  if (parsed.success) return parsed.data;
  // Saved through the same schema: only another version of the code could have written this.
  log.warn("budget.setting_unreadable", { tenantId });
  return DEFAULT_BUDGET;
}
