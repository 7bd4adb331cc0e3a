// A sync run when Salesforce or iAdvize misbehave: nothing lost, no duplicate Lead.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { syncTenant } from "../../src/sync/crm-sync.ts";
import { consumeSyncBatch } from "../../src/sync/sync-consumer.ts";
import { expireSfTokens, records, sfFaults } from "../helpers/salesforce.ts";
import { Sim, testConfig } from "../helpers/sim.ts";
import { newSyncTenant, pendingConversation, syncState } from "../helpers/tenant.ts";
import type { SyncTenant } from "../helpers/tenant.ts";

const sim = new Sim();
const run = (t: SyncTenant) => syncTenant(env.DB, testConfig(), t.tenantId, sim.deps);

describe("sync: Salesforce faults", () => {
  it("retries 503 answers within the run", async () => {
    const t = await newSyncTenant();
    const c = await pendingConversation(t, {}, sim.now);
    await sfFaults(t.org, { fail503: 2 });
    expect(await run(t)).toMatchObject({ kind: "done", synced: 1 });
    expect((await syncState(t, c.id))?.sync_status).toBe("synced");
    expect(await records(t.org, "Lead")).toHaveLength(1);
  });

  it("keeps a conversation whose row was locked pending, due again 30 s later, and syncs it then without a second Lead", async () => {
    const t = await newSyncTenant();
    const c = await pendingConversation(t, {}, sim.now);
    await sfFaults(t.org, { lockRows: 1 });
    expect(await run(t)).toMatchObject({ kind: "done", retrying: 1 });
    const state = await syncState(t, c.id);
    expect(state).toMatchObject({ sync_status: "pending", sync_attempts: 1, sync_failing_since: sim.now.toISOString() });
    expect(Date.parse(state?.sync_due_at ?? "") - sim.t).toBe(30_000);
    expect(JSON.parse(state?.sync_error ?? "{}")).toMatchObject({ code: "UNABLE_TO_LOCK_ROW" });
    // Not before it is due.
    expect(await run(t)).toMatchObject({ kind: "done", synced: 0, retrying: 0 });
    sim.t += 30_000;
    expect(await run(t)).toMatchObject({ kind: "done", synced: 1 });
    expect(await records(t.org, "Lead")).toHaveLength(1);
    expect(await records(t.org, "iAdvize_Conversation__c")).toHaveLength(1);
  });

  it("holds the tenant when the daily API allowance is used up, probes /limits when due, and resumes without spending an attempt", async () => {
    const t = await newSyncTenant();
    const c = await pendingConversation(t, {}, sim.now);
    await sfFaults(t.org, { requestLimitExceeded: true });
    expect(await run(t)).toMatchObject({ kind: "held", fresh: true, hold: { reason: "salesforce_request_limit" } });
    expect(await syncState(t, c.id)).toMatchObject({ sync_status: "pending", sync_attempts: 0 });
    // At the first re-check (5 minutes) /limits says only 4 calls are left: held again, the next re-check further away.
    await sfFaults(t.org, { apiUsed: 100_000 - 5 });
    sim.t += 5 * 60_000;
    const again = await run(t);
    expect(again).toMatchObject({ kind: "held", fresh: true, hold: { reason: "salesforce_request_limit", step: 2 } });
    await sfFaults(t.org, { apiUsed: 0 });
    sim.t += 10 * 60_000;
    expect(await run(t)).toMatchObject({ kind: "done", synced: 1 });
    const { tenantHoldOf } = await import("../../src/sync/holds.ts");
    expect(await tenantHoldOf(env.DB, t.tenantId)).toBeNull();
  });

  it("logs in again once when the session expired", async () => {
    const t = await newSyncTenant();
    await pendingConversation(t, {}, sim.now);
    await run(t);
    await expireSfTokens(t.org);
    const c = await pendingConversation(t, {}, sim.now);
    expect(await run(t)).toMatchObject({ kind: "done", synced: 1 });
    expect((await syncState(t, c.id))?.sync_status).toBe("synced");
  });

  it("fails the conversations, kept for a re-drive, when Salesforce refuses the credentials", async () => {
    const t = await newSyncTenant({ salesforce: { auth: { type: "client_credentials", clientId: "nobody", clientSecret: "wrong" } } });
    const c = await pendingConversation(t, {}, sim.now);
    await run(t);
    expect(await syncState(t, c.id)).toMatchObject({ sync_status: "failed" });
    expect(JSON.parse((await syncState(t, c.id))?.sync_error ?? "{}")).toEqual({ code: "salesforce_auth_failed" });
  });

  it("fails a conversation iAdvize does not know, and syncs the others", async () => {
    const t = await newSyncTenant();
    const c = await pendingConversation(t, {}, sim.now);
    await env.DB.prepare(
      `INSERT INTO conversations (tenant_id, conversation_id, status, visitor_id, updated_at, sync_status, sync_due_at) VALUES (?1, ?2, 'closed', ?3, ?4, 'pending', ?4)`,
    )
      .bind(t.tenantId, "00000000-0000-4000-8000-00000000dead", crypto.randomUUID(), sim.now.toISOString())
      .run();
    expect(await run(t)).toMatchObject({ synced: 1 });
    expect(await syncState(t, "00000000-0000-4000-8000-00000000dead")).toMatchObject({ sync_status: "failed" });
    expect((await syncState(t, c.id))?.sync_status).toBe("synced");
  });
});

describe("sync queue consumers", () => {
  async function consume(queue: string, tenantId: string, attempts = 1) {
    const batch = createMessageBatch(queue, [{ id: "m0", timestamp: new Date(), attempts, body: { tenantId } }]);
    const retry = vi.spyOn(batch.messages[0] as Message<unknown>, "retry");
    const ctx = createExecutionContext();
    if (queue === "crm-sync") await consumeSyncBatch(batch, sim.env, sim.config, sim.deps);
    else await worker.queue(batch, env);
    return { result: await getQueueResult(batch, ctx), delays: retry.mock.calls.map(([o]) => o?.delaySeconds) };
  }
  const sentFor = (tenantId: string) => sim.pending.filter((m) => m.body.tenantId === tenantId).map((m) => (m.at - sim.t) / 1000);

  it("acks a tenant's message once its conversations are synced, and asks for nothing more", async () => {
    const t = await newSyncTenant();
    const c = await pendingConversation(t, {}, sim.now);
    const { result } = await consume("crm-sync", t.tenantId);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect((await syncState(t, c.id))?.sync_status).toBe("synced");
    expect(sentFor(t.tenantId)).toEqual([]);
  });

  it("acks, and asks to be woken when a locked record's conversation falls due", async () => {
    const t = await newSyncTenant();
    await pendingConversation(t, {}, sim.now);
    await sfFaults(t.org, { lockRows: 1 });
    const { result, delays } = await consume("crm-sync", t.tenantId, 4);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(delays).toEqual([]);
    expect(sentFor(t.tenantId)).toEqual([30]);
  });

  it("acks, and asks to be woken at the re-check when the allowance is used up, without spending a retry", async () => {
    const t = await newSyncTenant();
    await pendingConversation(t, {}, sim.now);
    await sfFaults(t.org, { requestLimitExceeded: true });
    const { result } = await consume("crm-sync", t.tenantId);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(sentFor(t.tenantId)).toEqual([300]);
  });

  it("after the last retry, the dead-letter consumer leaves the work pending for the cron, never failed", async () => {
    const t = await newSyncTenant();
    const c = await pendingConversation(t, {}, sim.now);
    const { result } = await consume("crm-sync-dlq", t.tenantId);
    expect(result.ackAll).toBe(true);
    expect((await syncState(t, c.id))?.sync_status).toBe("pending");
  });
});
