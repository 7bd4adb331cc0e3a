// The history backfill through the Worker against the emulators: the range cut into
// windows and filtered by project, pages followed, every conversation synced once as a
// backfilled one, and the progress the admin API shows.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BACKFILL_MAPPING, BackfillSim, closedConversation } from "../helpers/backfill.ts";
import { stats } from "../helpers/iadvize.ts";
import { uniqueTenantId } from "../helpers/ids.ts";
import { records } from "../helpers/salesforce.ts";
import { newSyncTenant } from "../helpers/tenant.ts";

const FROM = "2026-01-01";
const TO = "2026-03-01";

async function conversationRecords(t: Awaited<ReturnType<typeof newSyncTenant>>) {
  return (await records(t.org, "iAdvize_Conversation__c")).map((r) => String(r.Conversation_Id__c));
}

describe("backfill", { timeout: 120_000 }, () => {
  it("reads the range window by window, keeps to the tenant's project and the range, and writes each conversation once", async () => {
    const t = await newSyncTenant({ mapping: BACKFILL_MAPPING });
    const inRange = [
      await closedConversation(t, "2026-01-01T00:00:00.000Z"),
      await closedConversation(t, "2026-01-03T10:00:00.000Z"),
      await closedConversation(t, "2026-01-07T23:59:59.999Z"),
      await closedConversation(t, "2026-02-20T08:00:00.000Z", { email: null }),
      await closedConversation(t, "2026-02-28T23:59:59.000Z"),
    ];
    const outside = [
      await closedConversation(t, "2025-12-31T23:59:59.999Z"),
      await closedConversation(t, "2026-03-01T00:00:00.000Z"),
      // The neighbouring project id: the one a filter off by one, or missing, would let through.
      await closedConversation(t, "2026-01-10T00:00:00.000Z", { projectId: t.projectId + 1 }),
    ];
    const sim = new BackfillSim();
    await sim.start(t.tenantId, { from: FROM, to: TO });
    await sim.drain();

    const written = await conversationRecords(t);
    expect(written.sort()).toEqual(inRange.map((c) => c.id).sort());
    for (const c of outside) expect(written).not.toContain(c.id);
    // One request per window of 7 days: 59 days make 9 windows, none read twice.
    expect((await stats(t.iadvizeUser.username)).closedConversations).toBe(9);
    const origins = await env.DB.prepare(`SELECT origin, sync_status, count(*) AS n FROM conversations WHERE tenant_id = ?1 GROUP BY origin, sync_status`).bind(t.tenantId).all();
    expect(origins.results).toEqual([{ origin: "backfill", sync_status: "synced", n: 5 }]);
    // Four visitors left an email: four Leads; the fifth conversation has none.
    expect(await records(t.org, "Lead")).toHaveLength(4);
    const progress = await sim.progress(t.tenantId);
    expect(progress).toMatchObject({ status: "done", read: 5, queued: 5, known: 0, written: 5, failed: 0, waiting: 0, rangeRead: 1, etaSeconds: 0 });
  });

  it("follows the pages of a window holding more conversations than a page", async () => {
    const t = await newSyncTenant({ mapping: BACKFILL_MAPPING });
    const seeded = [];
    for (let i = 0; i < 130; i++) seeded.push(await closedConversation(t, new Date(Date.parse("2026-02-02T00:00:00Z") + i * 60_000).toISOString(), { email: null }));
    const sim = new BackfillSim();
    await sim.start(t.tenantId, { from: "2026-02-01", to: "2026-02-08" });
    await sim.drain();
    expect((await conversationRecords(t)).sort()).toEqual(seeded.map((c) => c.id).sort());
    // One window, three pages of 50.
    expect((await stats(t.iadvizeUser.username)).closedConversations).toBe(3);
    expect(await sim.progress(t.tenantId)).toMatchObject({ status: "done", read: 130, queued: 130, written: 130 });
  });

  it("shows its progress in the admin API while it runs: read, written, failed, waiting, time left", async () => {
    const t = await newSyncTenant({ mapping: BACKFILL_MAPPING });
    // More than a page in the first week: the first step stops after it (a sync batch's worth).
    for (let i = 0; i < 60; i++) await closedConversation(t, new Date(Date.parse("2026-01-02T00:00:00Z") + i * 60_000).toISOString(), { email: null });
    await closedConversation(t, "2026-01-20T00:00:00.000Z");
    await closedConversation(t, "2026-02-25T00:00:00.000Z");
    const sim = new BackfillSim();
    const started = await sim.start(t.tenantId, { from: FROM, to: TO });
    expect(started).toMatchObject({ status: "running", read: 0, written: 0, rangeRead: 0, etaSeconds: null, dryRun: false });
    // The first step reads the first window and hands its conversations to the sync.
    sim.t += 1000;
    await sim.deliverDue();
    const first = await sim.progress(t.tenantId);
    expect(first).toMatchObject({ status: "running", read: 60, queued: 60, waiting: 60, written: 0, failed: 0 });
    expect(first.rangeRead).toBeCloseTo(7 / 59, 5);
    // A second to read 7 of 59 days: about 52/7 seconds left.
    expect(first.etaSeconds).toBeGreaterThanOrEqual(7);
    expect(first.etaSeconds).toBeLessThanOrEqual(8);
    await sim.drain();
    expect(await sim.progress(t.tenantId)).toMatchObject({ status: "done", read: 62, written: 62, failed: 0, waiting: 0, etaSeconds: 0 });
  });

  it("refuses a second backfill while one is under way, and cancels it on DELETE", async () => {
    const t = await newSyncTenant({ mapping: BACKFILL_MAPPING });
    await closedConversation(t, "2026-01-02T00:00:00.000Z");
    const sim = new BackfillSim();
    await sim.start(t.tenantId, { from: FROM, to: TO });
    const again = await sim.admin("POST", `/tenants/${t.tenantId}/backfill`, { from: FROM, to: TO });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("conflict");
    const cancelled = await sim.admin("DELETE", `/tenants/${t.tenantId}/backfill`);
    expect(cancelled.status).toBe(200);
    await sim.drain();
    expect(await sim.progress(t.tenantId)).toMatchObject({ status: "cancelled", read: 0 });
    expect(await conversationRecords(t)).toEqual([]);
  });

  it("answers bad requests with a clear error", async () => {
    const t = await newSyncTenant({ mapping: BACKFILL_MAPPING });
    const sim = new BackfillSim();
    const cases: [unknown, number][] = [
      [{ from: "2026-03-01", to: "2026-01-01" }, 400],
      [{ from: "yesterday", to: "2026-01-01" }, 400],
      [{ from: FROM, to: TO, extra: true }, 400],
      [{ from: "2999-01-01", to: "2999-02-01" }, 400],
    ];
    for (const [body, status] of cases) {
      const res = await sim.admin("POST", `/tenants/${t.tenantId}/backfill`, body);
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
    }
    expect((await sim.admin("POST", `/tenants/${uniqueTenantId()}/backfill`, { from: FROM, to: TO })).status).toBe(404);
    expect((await sim.admin("GET", `/tenants/${t.tenantId}/backfill`)).status).toBe(404);
  });
});
