// A backfill spends from the `backfill` budget tier, which pauses first: while the org has
// used more than half its allowance, what it handed to the sync waits (no attempt spent,
// no call) and it reads no further; once the org's usage falls, it resumes and finishes.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BACKFILL_MAPPING, BackfillSim, closedConversation } from "../helpers/backfill.ts";
import { apiUsed, records, sfFaults } from "../helpers/salesforce.ts";
import { newSyncTenant } from "../helpers/tenant.ts";

const LIMIT = 10_000;
const MINUTE = 60_000;

describe("backfill and the API budget", { timeout: 120_000 }, () => {
  it("pauses with the backfill tier at half the org's allowance and resumes when it falls", async () => {
    const t = await newSyncTenant({ mapping: BACKFILL_MAPPING, org: { apiLimit: LIMIT } });
    // Two steps' worth: 60 conversations in the first week, 10 in the fourth.
    for (let i = 0; i < 60; i++) await closedConversation(t, new Date(Date.parse("2026-01-01T00:00:00Z") + i * 60_000).toISOString());
    for (let i = 0; i < 10; i++) await closedConversation(t, new Date(Date.parse("2026-01-22T00:00:00Z") + i * 60_000).toISOString());
    await sfFaults(t.org, { apiUsed: LIMIT * 0.6 });
    const sim = new BackfillSim();
    await sim.start(t.tenantId, { from: "2026-01-01", to: "2026-02-01" });
    // The first batch is written (the connector has no reading of the org yet) and reads 60 % from Sforce-Limit-Info.
    await sim.runFor(5 * MINUTE);
    const paused = await sim.progress(t.tenantId);
    expect(paused).toMatchObject({ status: "running", read: 70, written: 60, waiting: 10, failed: 0 });
    const pending = await env.DB.prepare(`SELECT sync_status AS s, sync_attempts AS a, json_extract(sync_error, '$.tier') AS tier FROM conversations WHERE backfill_id IS NOT NULL AND tenant_id = ?1 AND sync_status != 'synced'`)
      .bind(t.tenantId)
      .all<{ s: string; a: number; tier: string }>();
    expect(pending.results).toEqual(Array.from({ length: 10 }, () => ({ s: "pending", a: 0, tier: "backfill" })));
    const calls = await apiUsed(t.org);
    await sim.runFor(10 * MINUTE, 10_000);
    expect(await apiUsed(t.org)).toBe(calls);
    expect(await sim.progress(t.tenantId)).toMatchObject({ status: "running", read: 70, written: 60, waiting: 10 });

    await sfFaults(t.org, { apiUsed: LIMIT / 10 });
    // At the next look at the org's counter (every 15 minutes while paused), the tier goes on by itself.
    await sim.runFor(30 * MINUTE, 10_000);
    expect(await sim.progress(t.tenantId)).toMatchObject({ status: "done", read: 70, written: 70, failed: 0 });
    expect(await records(t.org, "iAdvize_Conversation__c")).toHaveLength(70);
  });
});
