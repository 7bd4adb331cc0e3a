// The Salesforce API budget through the sync queue, on a virtual clock, against the
// emulated org (its Sforce-Limit-Info header reports the usage set here): each tier
// pauses at its share of the org's allowance, the connector's own cap pauses all, and
// paused work resumes by itself with nothing lost and no attempt spent.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { syncTenant } from "../../src/sync/crm-sync.ts";
import { holdTenant, tenantHoldOf } from "../../src/sync/holds.ts";
import { admin } from "../helpers/admin.ts";
import { apiUsed, records, sfFaults } from "../helpers/salesforce.ts";
import { Sim } from "../helpers/sim.ts";
import { newSyncTenant, pendingConversation } from "../helpers/tenant.ts";
import type { SyncTenant } from "../helpers/tenant.ts";
import { uniqueProjectId } from "../helpers/ids.ts";

const LIMIT = 1000;
const MINUTE = 60_000;
type Tier = "backfill" | "follow_up" | "on_close";

/**
 * A conversation waiting for its sync, in the given tier (how backfill and follow-up mark
 * theirs). A follow-up one is open in D1, so its tenant must follow open conversations
 * (else the run drops it); iAdvize already shows it closed, so its read completes it.
 */
async function waiting(t: SyncTenant, sim: Sim, tier: Tier): Promise<string> {
  const c = await pendingConversation(t, {}, sim.now);
  if (tier === "backfill") await env.DB.prepare(`UPDATE conversations SET origin = 'backfill' WHERE tenant_id = ?1 AND conversation_id = ?2`).bind(t.tenantId, c.id).run();
  if (tier === "follow_up") await env.DB.prepare(`UPDATE conversations SET status = 'open' WHERE tenant_id = ?1 AND conversation_id = ?2`).bind(t.tenantId, c.id).run();
  return c.id;
}

async function run(t: SyncTenant, sim: Sim): Promise<void> {
  await sim.env.SYNC_QUEUE.send({ tenantId: t.tenantId });
  await sim.deliver();
}

async function state(t: SyncTenant, id: string) {
  const row = await env.DB.prepare(`SELECT sync_status, sync_attempts, sync_error, sync_due_at FROM conversations WHERE tenant_id = ?1 AND conversation_id = ?2`)
    .bind(t.tenantId, id)
    .first<{ sync_status: string; sync_attempts: number; sync_error: string | null; sync_due_at: string | null }>();
  return { status: row?.sync_status, attempts: row?.sync_attempts, error: row?.sync_error ? (JSON.parse(row.sync_error) as unknown) : null, dueAt: row?.sync_due_at };
}

/** The org has used `percent` of its allowance; one on-close sync lets the connector read it from Sforce-Limit-Info. */
async function orgAt(t: SyncTenant, sim: Sim, percent: number): Promise<void> {
  await sfFaults(t.org, { apiUsed: (LIMIT * percent) / 100 });
  const reader = await waiting(t, sim, "on_close");
  await run(t, sim);
  expect((await state(t, reader)).status).toBe("synced");
}

async function budgetOf(t: SyncTenant) {
  const res = await admin("GET", `/tenants/${t.tenantId}/budget`);
  expect(res.status).toBe(200);
  return (await res.json<{ budget: { tiers: Record<Tier, { paused: boolean; reason?: string; until?: string }>; paused: { tier: Tier; reason: string; conversations: number }[]; today: { calls: number; dailyCap: number | null }; org: { usedPercent: number } | null } }>()).budget;
}

async function conversationRecords(t: SyncTenant, ids: readonly string[]) {
  const all = await records(t.org, "iAdvize_Conversation__c");
  return ids.map((id) => all.filter((r) => r.Conversation_Id__c === id).length);
}

describe("the API budget tiers", { timeout: 90_000 }, () => {
  it("backfill pauses at 50 % of the org's allowance, follow-up at 75 %, on-close at 90 %; all resume when it falls, no attempt spent", async () => {
    const sim = new Sim();
    const t = await newSyncTenant({ org: { apiLimit: LIMIT }, followUp: { enabled: true } });

    await orgAt(t, sim, 60);
    const backfill = await waiting(t, sim, "backfill");
    const followUp60 = await waiting(t, sim, "follow_up");
    await run(t, sim);
    expect(await state(t, backfill)).toMatchObject({ status: "pending", attempts: 0, error: { code: "budget_paused", reason: "org_allowance", tier: "backfill" } });
    expect((await state(t, followUp60)).status).toBe("synced");

    await orgAt(t, sim, 80);
    const followUp = await waiting(t, sim, "follow_up");
    await run(t, sim);
    expect(await state(t, followUp)).toMatchObject({ status: "pending", attempts: 0, error: { code: "budget_paused", reason: "org_allowance", tier: "follow_up" } });

    await orgAt(t, sim, 95);
    const onClose = await waiting(t, sim, "on_close");
    const callsBefore = await apiUsed(t.org);
    await run(t, sim);
    expect(await state(t, onClose)).toMatchObject({ status: "pending", attempts: 0, error: { code: "budget_paused", reason: "org_allowance", tier: "on_close" } });
    // Paused work spends no call, however often the queue and the cron come back.
    for (let i = 0; i < 5; i++) {
      sim.t += MINUTE;
      await sim.cron();
      await sim.deliver();
    }
    expect(await apiUsed(t.org)).toBe(callsBefore);
    expect(await conversationRecords(t, [backfill, followUp, onClose])).toEqual([0, 0, 0]);

    const budget = await budgetOf(t);
    expect(budget.org?.usedPercent).toBeGreaterThanOrEqual(95);
    expect(budget.tiers).toMatchObject({ backfill: { paused: true, reason: "org_allowance" }, follow_up: { paused: true, reason: "org_allowance" }, on_close: { paused: true, reason: "org_allowance" } });
    expect(budget.paused).toEqual([
      expect.objectContaining({ tier: "backfill", reason: "org_allowance", conversations: 1 }),
      expect.objectContaining({ tier: "follow_up", reason: "org_allowance", conversations: 1 }),
      expect.objectContaining({ tier: "on_close", reason: "org_allowance", conversations: 1 }),
    ]);

    // The org's last 24 hours fall to 10 %: at the next probe (one /limits call), everything goes, by itself.
    await sfFaults(t.org, { apiUsed: LIMIT / 10 });
    const resumeBy = sim.t + 20 * MINUTE;
    while (sim.t < resumeBy) {
      sim.t += MINUTE;
      await sim.cron();
      await sim.deliver();
    }
    for (const id of [backfill, followUp, onClose]) expect(await state(t, id)).toMatchObject({ status: "synced", attempts: 0, error: null });
    expect(await conversationRecords(t, [backfill, followUp, onClose])).toEqual([1, 1, 1]);
    expect((await budgetOf(t)).paused).toEqual([]);
  });

  it("the connector's own daily cap pauses every tier until the UTC day ends, then the work resumes by itself", async () => {
    const sim = new Sim();
    const t = await newSyncTenant({ org: { apiLimit: LIMIT }, budget: { daily: { calls: 4 } }, followUp: { enabled: true } });
    const first: string[] = [];
    for (let i = 0; i < 2; i++) {
      first.push(await waiting(t, sim, "on_close"));
      await run(t, sim);
    }
    expect(await apiUsed(t.org)).toBeGreaterThanOrEqual(4);
    const later = { on_close: await waiting(t, sim, "on_close"), follow_up: await waiting(t, sim, "follow_up"), backfill: await waiting(t, sim, "backfill") };
    await run(t, sim);
    const midnight = Date.UTC(sim.now.getUTCFullYear(), sim.now.getUTCMonth(), sim.now.getUTCDate() + 1);
    for (const [tier, id] of Object.entries(later)) {
      expect(await state(t, id)).toMatchObject({ status: "pending", attempts: 0, error: { code: "budget_paused", reason: "connector_budget", tier }, dueAt: new Date(midnight).toISOString() });
    }
    const budget = await budgetOf(t);
    expect(budget.today).toMatchObject({ dailyCap: 4 });
    expect(budget.today.calls).toBeGreaterThanOrEqual(4);

    while (sim.t < midnight + 10 * MINUTE) {
      sim.t = Math.min(sim.t + 30 * MINUTE, midnight + 10 * MINUTE);
      await sim.cron();
      await sim.deliver();
    }
    for (const id of [...first, ...Object.values(later)]) expect(await state(t, id)).toMatchObject({ status: "synced", attempts: 0 });
    expect(await conversationRecords(t, [...first, ...Object.values(later)])).toEqual([1, 1, 1, 1, 1]);
  });
});

describe("a held tenant's probe", { timeout: 60_000 }, () => {
  it("whose one conversation is paused by the budget keeps the hold: nothing was tried", async () => {
    const sim = new Sim();
    const t = await newSyncTenant({ org: { apiLimit: LIMIT } });
    await orgAt(t, sim, 60);
    const backfill = await waiting(t, sim, "backfill");
    await holdTenant(env.DB, t.tenantId, { reason: "iadvize_unavailable" }, new Date(sim.t - 60 * MINUTE));
    const result = await syncTenant(env.DB, sim.config, t.tenantId, sim.deps);
    expect(result).toMatchObject({ kind: "held", hold: { reason: "iadvize_unavailable" } });
    expect((await tenantHoldOf(env.DB, t.tenantId))?.reason).toBe("iadvize_unavailable");
    expect(await state(t, backfill)).toMatchObject({ status: "pending", attempts: 0, error: { code: "budget_paused", tier: "backfill" } });
  });
});

describe("the budget setting", () => {
  it("refuses thresholds that would pause the sync on close before the backfill", async () => {
    const res = await admin("PUT", `/tenants/ha-${uniqueProjectId()}`, {
      iadvize: { username: "api@example.com", password: "x" },
      budget: { pauseAt: { backfill: 95, followUp: 75, onClose: 90 } },
    });
    expect(res.status).toBe(400);
    const body = await res.json<{ error: { code: string; details: { path: string }[] } }>();
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.details.map((d) => d.path)).toContain("budget.pauseAt");
  });
});
