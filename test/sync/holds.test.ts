// Tenant holds: a contract surprise (a field the live iAdvize schema lacks, the
// connector's package missing in Salesforce) holds the tenant, its conversations wait
// (never failed, no attempt spent), the admin API shows why, an hourly re-check costs
// one request, and once released everything waiting syncs.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { syncTenant } from "../../src/sync/crm-sync.ts";
import { holdTenant, releaseTenantHold, tenantHoldOf } from "../../src/sync/holds.ts";
import { admin } from "../helpers/admin.ts";
import { setSchemaVariant, stats } from "../helpers/iadvize.ts";
import { apiUsed, records } from "../helpers/salesforce.ts";
import { Sim, testConfig } from "../helpers/sim.ts";
import { newSyncTenant, pendingConversation, syncState } from "../helpers/tenant.ts";
import type { SyncTenant } from "../helpers/tenant.ts";

const HOUR = 3_600_000;

async function adminHold(t: SyncTenant) {
  const one = await (await admin("GET", `/tenants/${t.tenantId}`)).json<{ hold: unknown }>();
  const all = await (await admin("GET", "/tenants")).json<{ tenants: { id: string; hold: unknown }[] }>();
  expect(all.tenants.find((x) => x.id === t.tenantId)?.hold).toEqual(one.hold);
  return one.hold;
}

describe("contract holds", { timeout: 60_000 }, () => {
  it("a field the live iAdvize schema lacks holds the tenant with its path; the conversations wait; an hourly re-check; all sync once fixed", async () => {
    const sim = new Sim();
    const run = (t: SyncTenant) => syncTenant(env.DB, testConfig(), t.tenantId, sim.deps);
    const t = await newSyncTenant();
    const a = await pendingConversation(t, {}, sim.now);
    const b = await pendingConversation(t, {}, sim.now);
    await setSchemaVariant(t.iadvizeUser.username, { removeFields: ["Visitor.email"] });

    expect(await run(t)).toMatchObject({ kind: "held", fresh: true, hold: { reason: "iadvize_schema_mismatch", paths: ["Visitor.email"], until: null } });
    for (const c of [a, b]) expect(await syncState(t, c.id)).toMatchObject({ sync_status: "pending", sync_attempts: 0 });
    expect(await adminHold(t)).toEqual({ reason: "iadvize_schema_mismatch", paths: ["Visitor.email"], since: sim.now.toISOString(), until: null });

    // Webhooks keep coming: no request while held.
    const before = (await stats(t.iadvizeUser.username)).graphql;
    sim.t += HOUR - 1000;
    expect(await run(t)).toMatchObject({ kind: "held", fresh: false });
    expect((await stats(t.iadvizeUser.username)).graphql).toBe(before);
    // The hourly re-check: one conversation, one request, still wrong.
    sim.t += 1000;
    expect(await run(t)).toMatchObject({ kind: "held", fresh: true, hold: { reason: "iadvize_schema_mismatch", step: 2 } });
    expect((await stats(t.iadvizeUser.username)).graphql).toBe(before + 1);

    // Fixed (a deploy with the right query): the next re-check resumes, then everything syncs.
    await setSchemaVariant(t.iadvizeUser.username, null);
    sim.t += HOUR;
    expect(await run(t)).toMatchObject({ kind: "done", synced: 1, more: true });
    expect(await tenantHoldOf(env.DB, t.tenantId)).toBeNull();
    expect(await run(t)).toMatchObject({ kind: "done", synced: 1 });
    expect(await adminHold(t)).toBeNull();
    expect(await records(t.org, "iAdvize_Conversation__c")).toHaveLength(2);
  });

  it("the connector's object missing in Salesforce holds the tenant as salesforce_package_missing, without a call while held; a release lets the next run try", async () => {
    const sim = new Sim();
    const run = (t: SyncTenant) => syncTenant(env.DB, testConfig(), t.tenantId, sim.deps);
    const t = await newSyncTenant({ org: { packageInstalled: false } });
    const c = await pendingConversation(t, {}, sim.now);
    expect(await run(t)).toMatchObject({ kind: "held", hold: { reason: "salesforce_package_missing", paths: expect.arrayContaining(["iAdvize_Conversation__c"]) } });
    expect(await syncState(t, c.id)).toMatchObject({ sync_status: "pending", sync_attempts: 0 });
    const calls = await apiUsed(t.org);
    expect(await run(t)).toMatchObject({ kind: "held", fresh: false });
    expect(await apiUsed(t.org)).toBe(calls);
    // A release names the reason it clears: another reason's release leaves the hold.
    expect(await releaseTenantHold(env.DB, t.tenantId, "iadvize_schema_mismatch")).toBe(false);
    expect(await releaseTenantHold(env.DB, t.tenantId, "salesforce_package_missing")).toBe(true);
    // Still missing: the next run finds it again, and the work still waits.
    expect(await run(t)).toMatchObject({ kind: "held", fresh: true, hold: { reason: "salesforce_package_missing" } });
    expect(await syncState(t, c.id)).toMatchObject({ sync_status: "pending", sync_attempts: 0 });
  });

  it("the package's Lead field missing holds the tenant with its path", async () => {
    const sim = new Sim();
    const t = await newSyncTenant({ org: { packageMissing: ["Lead.iAdvize_Visitor_Id__c"] } });
    await pendingConversation(t, {}, sim.now);
    expect(await syncTenant(env.DB, testConfig(), t.tenantId, sim.deps)).toMatchObject({
      kind: "held",
      hold: { reason: "salesforce_package_missing", paths: ["Lead.iAdvize_Visitor_Id__c"] },
    });
  });
});

describe("holdTenant", { timeout: 60_000 }, () => {
  it("grows the pause of an outage with each failed probe, keeps since, and starts over for another reason", async () => {
    const tenantId = `ha-${Math.floor(Math.random() * 1e9)}`;
    const now = new Date("2026-11-21T12:00:00Z");
    const first = await holdTenant(env.DB, tenantId, { reason: "iadvize_unavailable" }, now);
    expect(first).toMatchObject({ step: 1, until: "2026-11-21T12:00:10.000Z", since: now.toISOString() });
    const later = new Date(now.getTime() + 10_000);
    expect(await holdTenant(env.DB, tenantId, { reason: "iadvize_unavailable" }, later)).toMatchObject({ step: 2, until: "2026-11-21T12:00:30.000Z", since: now.toISOString() });
    const other = await holdTenant(env.DB, tenantId, { reason: "salesforce_request_limit", until: new Date("2026-11-21T13:00:00Z") }, later);
    expect(other).toMatchObject({ step: 1, until: "2026-11-21T13:00:00.000Z", since: later.toISOString() });
    expect(await releaseTenantHold(env.DB, tenantId)).toBe(true);
    expect(await tenantHoldOf(env.DB, tenantId)).toBeNull();
  });
});
