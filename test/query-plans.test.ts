// Every statement the cron runs every 5 minutes uses an index: none scans a whole table.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const NOW = "2026-11-21T12:00:00.000Z";

/** The cron's statements, as the code sends them (kept in step with the sources by the test below). */
const CRON_STATEMENTS: Record<string, { sql: string; params: unknown[] }> = {
  "events: stale received": { sql: `SELECT event_id, tenant_id FROM events WHERE status = 'received' AND updated_at < ?1 ORDER BY updated_at LIMIT ?2`, params: [NOW, 1000] },
  "events: retention": { sql: `DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE status = 'processed' AND updated_at < ?1 LIMIT ?2)`, params: [NOW, 500] },
  "conversations: retention": {
    sql: `DELETE FROM conversations WHERE rowid IN (
         SELECT rowid FROM conversations c
         WHERE c.sync_status IN ('synced', 'failed') AND c.updated_at < ?1 AND coalesce(c.synced_at, '') < ?1
           AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.tenant_id = c.tenant_id AND f.conversation_id = c.conversation_id)
           AND (c.backfill_id IS NULL OR NOT EXISTS (SELECT 1 FROM backfills b WHERE b.id = c.backfill_id AND b.status IN ('running', 'held')))
         LIMIT ?2)`,
    params: [NOW, 500],
  },
  "escalations: lost attempts": {
    sql: `SELECT id, tenant_id, provider, status FROM escalations
     WHERE (status = 'requested' AND updated_at < ?1) OR (status = 'retrying' AND updated_at < ?2) LIMIT 500`,
    params: [NOW, NOW],
  },
  "escalations: retention": { sql: `DELETE FROM escalations WHERE rowid IN (SELECT rowid FROM escalations WHERE created_at < ?1 LIMIT ?2)`, params: [NOW, 500] },
  "deflections: lost attempts": {
    sql: `SELECT id, tenant_id, provider, status FROM deflections
     WHERE (status = 'requested' AND updated_at < ?1) OR (status = 'retrying' AND updated_at < ?2) LIMIT 500`,
    params: [NOW, NOW],
  },
  "deflections: retention": { sql: `DELETE FROM deflections WHERE rowid IN (SELECT rowid FROM deflections WHERE created_at < ?1 LIMIT ?2)`, params: [NOW, 500] },
  "syncs: stale or lease expired": {
    sql: `SELECT tenant_id FROM (
         SELECT tenant_id FROM conversations WHERE sync_status = 'pending' AND sync_due_at < ?1
         UNION
         SELECT tenant_id FROM conversations WHERE sync_status = 'syncing' AND sync_lease_until < ?2)
       WHERE tenant_id NOT IN (SELECT tenant_id FROM tenant_holds) LIMIT ?3`,
    params: [NOW, NOW, 500],
  },
  "syncs: transient failures taken back": {
    sql: `UPDATE conversations SET sync_status = 'pending', sync_attempts = 0, sync_due_at = ?2, sync_failing_since = NULL, updated_at = ?2
       WHERE rowid IN (
         SELECT rowid FROM conversations
         WHERE sync_status = 'failed' AND updated_at > ?1
           AND json_extract(sync_error, '$.code') IN (SELECT value FROM json_each(?3))
         LIMIT ?4)
       RETURNING tenant_id`,
    params: [NOW, NOW, "[]", 500],
  },
  "backfills: overdue steps": {
    sql: `SELECT id, tenant_id FROM backfills WHERE status IN ('running', 'held') AND next_at < ?1 AND (lease_until IS NULL OR lease_until < ?2) LIMIT ?3`,
    params: [NOW, NOW, 100],
  },
  "holds: due": { sql: `SELECT tenant_id FROM tenant_holds WHERE recheck_at <= ?1 ORDER BY recheck_at LIMIT ?2`, params: [NOW, 500] },
  "syncs: claim of a tenant": {
    sql: `SELECT rowid FROM conversations WHERE tenant_id = ?1 AND sync_status = 'pending' AND sync_due_at <= ?4
         UNION ALL
         SELECT rowid FROM conversations WHERE tenant_id = ?1 AND sync_status = 'syncing' AND sync_lease_until < ?4
         LIMIT ?2`,
    params: ["ha-1", 100, null, NOW],
  },
};

async function plan(sql: string, params: unknown[]): Promise<string[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
  return results.map((r) => r.detail);
}

const SOURCES = import.meta.glob(["../src/**/*.ts"], { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const squash = (s: string) => s.replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")").trim();

describe("query plans of the cron's statements", () => {
  for (const [name, { sql, params }] of Object.entries(CRON_STATEMENTS)) {
    it(`${name}: no full-table scan`, async () => {
      const details = await plan(sql, params);
      expect(details.length).toBeGreaterThan(0);
      const scans = details.filter((d) => /^SCAN (events|conversations|c|escalations|deflections|tenant_holds|backfills|follow_ups|f|b)\b/.test(d) && !/USING (COVERING )?INDEX/.test(d));
      expect(scans, details.join(" | ")).toEqual([]);
    });
  }

  it("the statements checked are the ones the code sends", () => {
    const code = squash(Object.values(SOURCES).join("\n"));
    // Statements shared by the capabilities' tables name their table as ${table} in the code.
    const templated = (sql: string) => squash(sql.replace(/\b(escalations|deflections)\b/g, "${table}"));
    for (const [name, { sql }] of Object.entries(CRON_STATEMENTS)) {
      expect(code.includes(squash(sql)) || code.includes(templated(sql)), name).toBe(true);
    }
  });
});
