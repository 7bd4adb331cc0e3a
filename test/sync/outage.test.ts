// Ten-minute outages of each service while webhooks keep arriving, on a virtual clock:
// nothing fails, no attempt is spent, requests stay few, and everything is synced
// within a minute of the service answering again.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { KnownEvent } from "../../src/events/schema.ts";
import type { QueueMessage } from "../../src/queues.ts";
import { CAR_DEALER } from "../emulators/iadvize/seed.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { expireTokens, seedConversation, setFaults, stats } from "../helpers/iadvize.ts";
import { apiUsed, records, sfFaults } from "../helpers/salesforce.ts";
import { Sim } from "../helpers/sim.ts";
import { newSyncTenant } from "../helpers/tenant.ts";
import type { SyncTenant } from "../helpers/tenant.ts";

const MINUTE = 60_000;
const CONVERSATIONS = 20;

function closedEvent(t: SyncTenant, conversationId: string, visitorId: string): QueueMessage {
  const event = KnownEvent.parse({ ...fixtures.conversationClosed, eventId: crypto.randomUUID(), projectId: t.projectId, conversationId, visitorId });
  return { kind: "event", tenantId: t.tenantId, event, correlationId: null, deliveryId: null, receivedAt: new Date().toISOString() };
}

async function counts(t: SyncTenant) {
  const { results } = await env.DB.prepare(`SELECT sync_status AS s, COUNT(*) AS n, SUM(sync_attempts) AS attempts FROM conversations WHERE tenant_id = ? GROUP BY sync_status`)
    .bind(t.tenantId)
    .all<{ s: string; n: number; attempts: number }>();
  return Object.fromEntries(results.map((r) => [r.s, r.n]));
}

/**
 * Webhooks for CONVERSATIONS conversations arrive every 30 s from the start of a
 * 10-minute outage; the sim runs every 10 s of virtual time (the cron every 5 minutes)
 * until a minute after the service is back. Returns what the outage cost.
 */
async function outage(t: SyncTenant, sim: Sim, start: () => Promise<void>, stop: () => Promise<void>, username: string) {
  const conversations = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    conversations.push(await seedConversation({ projectId: t.projectId, visitor: { ...CAR_DEALER.visitor, id: crypto.randomUUID() } }));
  }
  await start();
  const before = await stats(username);
  const sfBefore = await apiUsed(t.org);
  const outageEnds = sim.t + 10 * MINUTE;
  let next = 0;
  let during: { graphql: number; logins: number; rejectedLogins: number; salesforce: number } | undefined;
  let syncedAt: number | undefined;
  for (let step = 0; sim.t <= outageEnds + 2 * MINUTE; step++) {
    if (!during && sim.t >= outageEnds) {
      const s = await stats(username);
      during = { graphql: s.graphql - before.graphql, logins: s.logins - before.logins, rejectedLogins: s.rejectedLogins - before.rejectedLogins, salesforce: (await apiUsed(t.org)) - sfBefore };
      await stop();
    }
    if (step % 3 === 0 && next < conversations.length) {
      const c = conversations[next++];
      if (c) await sim.events([closedEvent(t, c.id, c.visitor.id)]);
    }
    if (step % 30 === 0) await sim.cron();
    await sim.deliver();
    const now = await counts(t);
    expect(now.failed ?? 0).toBe(0);
    if (during && (now.synced ?? 0) === CONVERSATIONS) {
      syncedAt = sim.t;
      break;
    }
    sim.t += 10_000;
  }
  const attempts = await env.DB.prepare(`SELECT SUM(sync_attempts) AS n FROM conversations WHERE tenant_id = ?`).bind(t.tenantId).first<number>("n");
  return { during, recoveredAfterMs: syncedAt === undefined ? undefined : syncedAt - outageEnds, attempts };
}

describe("the first run of an outage", { timeout: 60_000 }, () => {
  it("reads one conversation alone first: 30 waiting cost one conversation's tries, not one per conversation", async () => {
    const sim = new Sim();
    const t = await newSyncTenant();
    const { pendingConversation } = await import("../helpers/tenant.ts");
    for (let i = 0; i < 30; i++) await pendingConversation(t, {}, sim.now);
    const { syncTenant } = await import("../../src/sync/crm-sync.ts");
    await syncTenant(env.DB, sim.config, t.tenantId, sim.deps);
    await setFaults(t.iadvizeUser.username, { down: true });
    await env.DB.prepare("UPDATE conversations SET sync_status = 'pending', sync_due_at = ? WHERE tenant_id = ?").bind(sim.now.toISOString(), t.tenantId).run();
    const before = (await stats(t.iadvizeUser.username)).graphql;
    expect(await syncTenant(env.DB, sim.config, t.tenantId, sim.deps)).toMatchObject({ kind: "held", hold: { reason: "iadvize_unavailable" } });
    // The client's own tries of one request (3), not 30 conversations' worth.
    expect((await stats(t.iadvizeUser.username)).graphql - before).toBeLessThanOrEqual(3);
    expect(await counts(t)).toEqual({ pending: 30 });
    await setFaults(t.iadvizeUser.username, { down: false });
  });
});

describe("a 10-minute outage with webhooks arriving throughout", { timeout: 90_000 }, () => {
  it("iAdvize GraphQL answering 503: none failed, a few requests per minute, all synced within a minute of recovery", async () => {
    const sim = new Sim();
    const t = await newSyncTenant();
    const username = t.iadvizeUser.username;
    const result = await outage(t, sim, () => setFaults(username, { down: true }).then(() => undefined), () => setFaults(username, { down: false }).then(() => undefined), username);
    expect(result.recoveredAfterMs).toBeDefined();
    expect(result.recoveredAfterMs).toBeLessThanOrEqual(MINUTE);
    expect(result.attempts).toBe(0);
    // Before: 1,285 GraphQL requests for 100 conversations in 45 s. Now one probe (3 tries) per pause.
    expect(result.during?.graphql).toBeLessThanOrEqual(60);
    expect(await records(t.org, "iAdvize_Conversation__c")).toHaveLength(CONVERSATIONS);
  });

  it("iAdvize logins answering 429: none failed, fewer than 10 logins tried a minute, all synced within a minute of recovery", async () => {
    const sim = new Sim();
    const t = await newSyncTenant();
    const username = t.iadvizeUser.username;
    const start = async () => {
      await setFaults(username, { loginsRefused: true });
      await expireTokens(username);
    };
    const result = await outage(t, sim, start, () => setFaults(username, { loginsRefused: false }).then(() => undefined), username);
    expect(result.recoveredAfterMs).toBeLessThanOrEqual(MINUTE);
    expect(result.attempts).toBe(0);
    expect(result.during?.rejectedLogins).toBeGreaterThan(0);
    // iAdvize allows 10 logins a minute per user; before, about 440 were tried in one minute.
    // Now one probe per pause (10 s growing to 40 s), each trying the login once (a 429 is
    // never retried at once): at most 2 a minute.
    expect(result.during?.rejectedLogins).toBeLessThanOrEqual(2 * 10);
  });

  it("Salesforce answering 503: none failed, a few calls per minute, all synced within a minute of recovery", async () => {
    const sim = new Sim();
    const t = await newSyncTenant();
    const username = t.iadvizeUser.username;
    const result = await outage(t, sim, () => sfFaults(t.org, { down: true }).then(() => undefined), () => sfFaults(t.org, { down: false }).then(() => undefined), username);
    expect(result.recoveredAfterMs).toBeLessThanOrEqual(MINUTE);
    expect(result.attempts).toBe(0);
    expect(result.during?.salesforce).toBeLessThanOrEqual(60);
    expect(await records(t.org, "iAdvize_Conversation__c")).toHaveLength(CONVERSATIONS);
  });
});

