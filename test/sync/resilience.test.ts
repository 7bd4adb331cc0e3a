// The sync store's guarantees, each with a test that a wrong statement would fail: a
// conversation changed during a run is neither overwritten nor delayed, a slow run keeps
// its claim, a crashed one loses it within a minute, and retries count time, not runs.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { claimPending, markPendingStatement } from "../../src/conversations/sync-store.ts";
import { LEASE_MS, syncTenant } from "../../src/sync/crm-sync.ts";
import { CONVERSATION_BACKOFF, retryDecision } from "../../src/sync/retry-window.ts";
import { records, sfFaults } from "../helpers/salesforce.ts";
import { Sim, testConfig } from "../helpers/sim.ts";
import { newSyncTenant, pendingConversation, syncState } from "../helpers/tenant.ts";

const HOUR = 3_600_000;

/** A fetch for the iAdvize client that runs `hook` before the first GraphQL request for `conversationId`. */
function fetchWithHook(conversationId: string, hook: () => Promise<void>): typeof fetch {
  let done = false;
  return async (input, init) => {
    if (!done && typeof init?.body === "string" && init.body.includes(conversationId)) {
      done = true;
      await hook();
    }
    return fetch(input, init);
  };
}

describe("a conversation changed during a run", { timeout: 60_000 }, () => {
  it("is left pending and due at once by a run that could not write it, with no attempt counted, and the next run writes the change", async () => {
    const sim = new Sim();
    const t = await newSyncTenant();
    const c = await pendingConversation(t, {}, sim.now);
    await sfFaults(t.org, { lockRows: 1 });
    // A survey answer arrives while the run reads the conversation from iAdvize.
    const hook = async () => {
      await env.DB.prepare("UPDATE conversations SET satisfaction = ? WHERE conversation_id = ?").bind(JSON.stringify({ customerSatisfaction: 4 }), c.id).run();
      await markPendingStatement(env.DB, t.tenantId, c.id, sim.now).run();
    };
    const result = await syncTenant(env.DB, testConfig(), t.tenantId, { ...sim.deps, fetch: fetchWithHook(c.id, hook) });
    expect(result).toMatchObject({ kind: "done", retrying: 1, more: true });
    // The run's release did not touch it: still due now, nothing counted, no error of that run.
    expect(await syncState(t, c.id)).toMatchObject({ sync_status: "pending", sync_attempts: 0, sync_error: null, sync_due_at: sim.now.toISOString() });
    expect(await syncTenant(env.DB, testConfig(), t.tenantId, sim.deps)).toMatchObject({ kind: "done", synced: 1 });
    expect((await records(t.org, "iAdvize_Conversation__c"))[0]?.Satisfaction__c).toBe("CSAT 4");
  });
});

describe("leases", { timeout: 60_000 }, () => {
  it("a slow run renews its claim: another run a minute and more later claims nothing", async () => {
    const sim = new Sim();
    const t = await newSyncTenant();
    const a = await pendingConversation(t, {}, sim.now);
    const b = await pendingConversation(t, {}, sim.now);
    let stolen: unknown[] | undefined;
    // Each GraphQL answer takes 40 s; while the second is read, another run tries to claim.
    const slow: typeof fetch = async (input, init) => {
      sim.t += 40_000;
      if (typeof init?.body === "string" && init.body.includes(b.id) && init.body.includes("ConversationForCrm")) {
        stolen = await claimPending(env.DB, t.tenantId, 100, LEASE_MS, sim.now);
      }
      return fetch(input, init);
    };
    const result = await syncTenant(env.DB, testConfig(), t.tenantId, { ...sim.deps, fetch: slow });
    expect(stolen).toEqual([]);
    expect(result).toMatchObject({ kind: "done", synced: 2 });
    for (const c of [a, b]) expect((await syncState(t, c.id))?.sync_status).toBe("synced");
  });

  it("a run that died loses its claim after the one-minute lease", async () => {
    const sim = new Sim();
    const t = await newSyncTenant();
    await pendingConversation(t, {}, sim.now);
    expect(await claimPending(env.DB, t.tenantId, 100, LEASE_MS, sim.now)).toHaveLength(1);
    // A crash costs a minute (before: a 10-minute lease): the figure itself, not the constant.
    sim.t += 60_000 - 1;
    expect(await claimPending(env.DB, t.tenantId, 100, LEASE_MS, sim.now)).toHaveLength(0);
    sim.t += 2;
    expect(await syncTenant(env.DB, testConfig(), t.tenantId, sim.deps)).toMatchObject({ kind: "done", synced: 1 });
  });
});

describe("retries count time, not runs", { timeout: 60_000 }, () => {
  it("delays grow per conversation from 30 s to an hour, and give up only after the window", () => {
    const now = new Date("2026-11-21T12:00:00Z");
    const delay = (attempts: number) => {
      const d = retryDecision({ attempts, failingSince: now.toISOString() }, now, 72 * HOUR);
      return d.kind === "retry" ? d.dueAt.getTime() - now.getTime() : -1;
    };
    expect([0, 1, 2, 3, 7, 100].map(delay)).toEqual([30_000, 60_000, 120_000, 240_000, HOUR, HOUR]);
    expect(CONVERSATION_BACKOFF).toEqual({ baseMs: 30_000, capMs: HOUR });
    const since = (hours: number) => new Date(now.getTime() - hours * HOUR).toISOString();
    expect(retryDecision({ attempts: 8000, failingSince: since(71.9) }, now, 72 * HOUR).kind).toBe("retry");
    expect(retryDecision({ attempts: 1, failingSince: since(72) }, now, 72 * HOUR)).toEqual({ kind: "give_up", failingSince: since(72) });
  });

  it("a conversation failing on its own stays pending through many runs, and is failed only once it has failed for SYNC_GIVE_UP_HOURS (72 by default)", async () => {
    const sim = new Sim();
    const config = testConfig();
    expect(config.SYNC_GIVE_UP_HOURS).toBe(72);
    const t = await newSyncTenant();
    const c = await pendingConversation(t, {}, sim.now);
    const started = sim.t;
    // Its record stays locked: 10 runs in a row (more than the 8 runs that used to fail it), each once it is due.
    await sfFaults(t.org, { lockRows: 1000 });
    for (let i = 0; i < 10; i++) {
      expect(await syncTenant(env.DB, config, t.tenantId, sim.deps)).toMatchObject({ kind: "done", retrying: 1 });
      sim.t = Date.parse((await syncState(t, c.id))?.sync_due_at ?? "");
    }
    expect(await syncState(t, c.id)).toMatchObject({ sync_status: "pending", sync_attempts: 10 });
    // Just before the window ends it is still tried; at the end of it, it is failed with the reason.
    sim.t = started + 72 * HOUR - 1000;
    expect(await syncTenant(env.DB, config, t.tenantId, sim.deps)).toMatchObject({ retrying: 1 });
    sim.t = started + 72 * HOUR;
    await env.DB.prepare("UPDATE conversations SET sync_due_at = ? WHERE conversation_id = ?").bind(sim.now.toISOString(), c.id).run();
    expect(await syncTenant(env.DB, config, t.tenantId, sim.deps)).toMatchObject({ failed: 1 });
    const state = await syncState(t, c.id);
    expect(state?.sync_status).toBe("failed");
    expect(JSON.parse(state?.sync_error ?? "{}")).toMatchObject({ code: "retry_window_exhausted", failingSince: new Date(started).toISOString(), last: { code: "UNABLE_TO_LOCK_ROW" } });
  });
});
