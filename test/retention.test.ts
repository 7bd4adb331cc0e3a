// Retention: processed events, escalation and deflection records older than RETENTION_DAYS (90 by
// default) are deleted by the cron, in bounded batches; waiting and dead events stay.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RETENTION_BATCH, RETENTION_BATCHES_PER_RUN, applyRetention } from "../src/retention.ts";
import { testConfig } from "./helpers/sim.ts";

const DAY = 86_400_000;

async function event(tenantId: string, status: string, updatedAt: Date) {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    `INSERT INTO events (event_id, event_type, tenant_id, payload, status, received_at, updated_at) VALUES (?1, 'v2.conversation.closed', ?2, '{}', ?3, ?4, ?4)`,
  )
    .bind(id, tenantId, status, updatedAt.toISOString())
    .run();
  return id;
}

async function escalation(tenantId: string, createdAt: Date) {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    `INSERT INTO escalations (id, tenant_id, status, provider, phone_hash, idem_hash, details, language, created_at, updated_at)
     VALUES (?1, ?2, 'scheduled', 'webhook', 'h', 'i', 'sealed', 'fr', ?3, ?3)`,
  )
    .bind(id, tenantId, createdAt.toISOString())
    .run();
  return id;
}

async function deflection(tenantId: string, createdAt: Date) {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    `INSERT INTO deflections (id, tenant_id, status, provider, mode, phone_hash, idem_hash, details, language, created_at, updated_at)
     VALUES (?1, ?2, 'sent', 'quiq', 'notify', 'h', ?1, 'sealed', 'en', ?3, ?3)`,
  )
    .bind(id, tenantId, createdAt.toISOString())
    .run();
  return id;
}

const exists = async (table: string, key: string, id: string) => (await env.DB.prepare(`SELECT 1 AS x FROM ${table} WHERE ${key} = ?`).bind(id).first()) !== null;

describe("retention", { timeout: 60_000 }, () => {
  it("deletes processed events, escalations and deflections older than 90 days, and keeps the rest", async () => {
    expect(testConfig().RETENTION_DAYS).toBe(90);
    // In the past: test files share one D1, and a later "now" would delete their rows too.
    const now = new Date("2001-01-01T00:00:00Z");
    const old = new Date(now.getTime() - 91 * DAY);
    const recent = new Date(now.getTime() - 89 * DAY);
    const t = `ha-${Math.floor(Math.random() * 1e9)}`;
    const oldProcessed = await event(t, "processed", old);
    const recentProcessed = await event(t, "processed", recent);
    const oldDead = await event(t, "dead", old);
    const oldWaiting = await event(t, "awaiting_tenant", old);
    const oldEscalation = await escalation(t, old);
    const recentEscalation = await escalation(t, recent);
    const oldDeflection = await deflection(t, old);
    const recentDeflection = await deflection(t, recent);
    await applyRetention(env.DB, now, 90);
    expect(await exists("deflections", "id", oldDeflection)).toBe(false);
    expect(await exists("deflections", "id", recentDeflection)).toBe(true);
    expect(await exists("events", "event_id", oldProcessed)).toBe(false);
    expect(await exists("escalations", "id", oldEscalation)).toBe(false);
    for (const id of [recentProcessed, oldDead, oldWaiting]) expect(await exists("events", "event_id", id)).toBe(true);
    expect(await exists("escalations", "id", recentEscalation)).toBe(true);
  });

  it("deletes at most a bounded number per run: a backlog goes over several runs", async () => {
    const now = new Date("2002-01-01T00:00:00Z");
    const old = new Date(now.getTime() - 200 * DAY);
    const t = `ha-${Math.floor(Math.random() * 1e9)}`;
    const bound = RETENTION_BATCH * RETENTION_BATCHES_PER_RUN;
    // Everything older left by other tests is deleted first, so the count below is ours.
    while ((await applyRetention(env.DB, now, 90)).events > 0);
    const rows = Array.from({ length: bound + 7 }, () => crypto.randomUUID());
    for (let i = 0; i < rows.length; i += 50) {
      await env.DB.batch(
        rows.slice(i, i + 50).map((id) =>
          env.DB.prepare(`INSERT INTO events (event_id, event_type, tenant_id, payload, status, received_at, updated_at) VALUES (?1, 'v2.conversation.closed', ?2, '{}', 'processed', ?3, ?3)`).bind(id, t, old.toISOString()),
        ),
      );
    }
    expect((await applyRetention(env.DB, now, 90)).events).toBe(bound);
    expect((await applyRetention(env.DB, now, 90)).events).toBe(7);
  });
});
