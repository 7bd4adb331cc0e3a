// A sync run when Salesforce or iAdvize misbehave: nothing lost, no duplicate Lead.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { checkConfig } from "../../src/env.ts";
import type { Config } from "../../src/env.ts";
import worker from "../../src/index.ts";
import { syncTenant } from "../../src/sync/crm-sync.ts";
import { expireSfTokens, records, sfFaults } from "../helpers/salesforce.ts";
import { newSyncTenant, pendingConversation, syncState } from "../helpers/tenant.ts";
import type { SyncTenant } from "../helpers/tenant.ts";

function config(): Config {
  const checked = checkConfig({ ...env });
  if (!checked.ok) throw new Error(checked.problems.join());
  return checked.config;
}
const run = (t: SyncTenant) => syncTenant(env.DB, config(), t.tenantId);

describe("sync: Salesforce faults", () => {
  it("retries 503 answers within the run", async () => {
    const t = await newSyncTenant();
    const c = await pendingConversation(t);
    await sfFaults(t.org, { fail503: 2 });
    expect(await run(t)).toMatchObject({ kind: "done", synced: 1 });
    expect((await syncState(t, c.id))?.sync_status).toBe("synced");
    expect(await records(t.org, "Lead")).toHaveLength(1);
  });

  it("keeps a conversation whose row was locked pending, and syncs it on the next run without a second Lead", async () => {
    const t = await newSyncTenant();
    const c = await pendingConversation(t);
    await sfFaults(t.org, { lockRows: 1 });
    expect(await run(t)).toMatchObject({ kind: "done", retrying: 1 });
    expect(await syncState(t, c.id)).toMatchObject({ sync_status: "pending", sync_attempts: 1 });
    expect(JSON.parse((await syncState(t, c.id))?.sync_error ?? "{}")).toMatchObject({ code: "UNABLE_TO_LOCK_ROW" });
    expect(await run(t)).toMatchObject({ kind: "done", synced: 1 });
    expect(await records(t.org, "Lead")).toHaveLength(1);
    expect(await records(t.org, "iAdvize_Conversation__c")).toHaveLength(1);
  });

  it("waits when the daily API allowance is used up, keeping the work without spending an attempt", async () => {
    const t = await newSyncTenant();
    const c = await pendingConversation(t);
    await sfFaults(t.org, { requestLimitExceeded: true });
    expect(await run(t)).toEqual({ kind: "retry", reason: "request_limit_exceeded", delaySeconds: 3600 });
    expect(await syncState(t, c.id)).toMatchObject({ sync_status: "pending", sync_attempts: 0 });
    await sfFaults(t.org, { apiUsed: 0 });
    expect(await run(t)).toMatchObject({ kind: "done", synced: 1 });
  });

  it("logs in again once when the session expired", async () => {
    const t = await newSyncTenant();
    await pendingConversation(t);
    await run(t);
    await expireSfTokens(t.org);
    const c = await pendingConversation(t);
    expect(await run(t)).toMatchObject({ kind: "done", synced: 1 });
    expect((await syncState(t, c.id))?.sync_status).toBe("synced");
  });

  it("fails the conversations, kept for a re-drive, when Salesforce refuses the credentials", async () => {
    const t = await newSyncTenant({ salesforce: { auth: { type: "client_credentials", clientId: "nobody", clientSecret: "wrong" } } });
    const c = await pendingConversation(t);
    await run(t);
    expect(await syncState(t, c.id)).toMatchObject({ sync_status: "failed" });
    expect(JSON.parse((await syncState(t, c.id))?.sync_error ?? "{}")).toEqual({ code: "salesforce_auth_failed" });
  });

  it("fails a conversation iAdvize does not know, and syncs the others", async () => {
    const t = await newSyncTenant();
    const c = await pendingConversation(t);
    await env.DB.prepare(
      `INSERT INTO conversations (tenant_id, conversation_id, status, visitor_id, updated_at, sync_status) VALUES (?1, ?2, 'closed', ?3, ?4, 'pending')`,
    )
      .bind(t.tenantId, "00000000-0000-4000-8000-00000000dead", crypto.randomUUID(), new Date().toISOString())
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
    await worker.queue(batch, env);
    return { result: await getQueueResult(batch, ctx), delays: retry.mock.calls.map(([o]) => o?.delaySeconds) };
  }

  it("acks a tenant's message once its conversations are synced", async () => {
    const t = await newSyncTenant();
    const c = await pendingConversation(t);
    const { result } = await consume("crm-sync", t.tenantId);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect((await syncState(t, c.id))?.sync_status).toBe("synced");
  });

  it("retries with backoff while a record stays locked", async () => {
    const t = await newSyncTenant();
    await pendingConversation(t);
    await sfFaults(t.org, { lockRows: 1 });
    const { result, delays } = await consume("crm-sync", t.tenantId, 4);
    expect(result.retryMessages).toEqual([{ msgId: "m0" }]);
    expect(delays).toEqual([16]);
  });

  it("re-queues itself an hour later when the allowance is used up, without spending a retry", async () => {
    const t = await newSyncTenant();
    await pendingConversation(t);
    await sfFaults(t.org, { requestLimitExceeded: true });
    const send = vi.spyOn(env.SYNC_QUEUE, "send");
    const { result } = await consume("crm-sync", t.tenantId);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(send).toHaveBeenCalledWith({ tenantId: t.tenantId }, { delaySeconds: 3600 });
    send.mockRestore();
  });

  it("after the last retry, the dead-letter consumer marks what still waits as failed, with the reason", async () => {
    const t = await newSyncTenant();
    const c = await pendingConversation(t);
    await env.DB.prepare("UPDATE conversations SET sync_error = ? WHERE conversation_id = ?").bind(JSON.stringify({ code: "UNABLE_TO_LOCK_ROW" }), c.id).run();
    const { result } = await consume("crm-sync-dlq", t.tenantId);
    expect(result.ackAll).toBe(true);
    const state = await syncState(t, c.id);
    expect(state?.sync_status).toBe("failed");
    expect(JSON.parse(state?.sync_error ?? "{}")).toEqual({ code: "retries_exhausted", last: { code: "UNABLE_TO_LOCK_ROW" } });
  });
});
