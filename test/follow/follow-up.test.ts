// Live follow-up of open conversations, driven as the outside does on a virtual clock:
// signed webhooks into the Worker, the sync queue delivered when its delays fall due,
// the iAdvize emulator's conversation growing message by message, and the records read
// back from the emulated Salesforce. Nothing sleeps.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CLOSE_SLOT_MS, READ_SLOT_MS, slotAtOrAfter } from "../../src/follow/slots.ts";
import { CAR_DEALER } from "../emulators/iadvize/seed.ts";
import type { SeedMessage } from "../emulators/iadvize/seed.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { admin, tenantBody } from "../helpers/admin.ts";
import { addMessages, seedConversation, setClosed, stats } from "../helpers/iadvize.ts";
import { records } from "../helpers/salesforce.ts";
import { Sim } from "../helpers/sim.ts";
import { newSyncTenant, pendingConversation, syncState } from "../helpers/tenant.ts";
import type { SyncTenant } from "../helpers/tenant.ts";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** A virtual clock starting on a whole second, as the tenant's slots and the queue's delays (whole seconds) are. */
const wholeSecondSim = () => new Sim(Math.ceil(Date.now() / SECOND) * SECOND);
const DAY = 24 * 60 * MINUTE;
const M = CAR_DEALER.messages;

/** The car dealer's messages `from`..`to` (inclusive), written at `at`, one second apart. */
const said = (from: number, to: number, at: number): SeedMessage[] => M.slice(from, to + 1).map((m, i) => ({ ...m, createdAt: new Date(at + i * SECOND).toISOString() }));

async function openConversation(t: SyncTenant, sim: Sim, messages: SeedMessage[], visitor: Partial<typeof CAR_DEALER.visitor> = {}) {
  return seedConversation({
    projectId: t.projectId,
    createdAt: sim.now.toISOString(),
    closedAt: null,
    visitor: { ...CAR_DEALER.visitor, id: crypto.randomUUID(), ...visitor },
    messages,
  });
}

function pushed(t: SyncTenant, c: { id: string; visitor: { id: string } }, at: Date, operatorId = 45012) {
  return { ...fixtures.conversationPushed, eventId: crypto.randomUUID(), projectId: t.projectId, conversationId: c.id, visitorId: c.visitor.id, operatorId, createdAt: at.toISOString(), sentAt: at.toISOString() };
}

function closed(t: SyncTenant, c: { id: string; visitor: { id: string } }, at: Date, operatorIds = [45012]) {
  return { ...fixtures.conversationClosed, eventId: crypto.randomUUID(), projectId: t.projectId, conversationId: c.id, visitorId: c.visitor.id, operatorIds, createdAt: at.toISOString(), sentAt: at.toISOString() };
}

/** Lets the virtual clock run to `until`, delivering every sync message that falls due on the way. */
async function runUntil(sim: Sim, until: number) {
  while (await sim.next(until));
  sim.t = Math.max(sim.t, until);
}

async function closeAt(sim: Sim, t: SyncTenant, c: { id: string; visitor: { id: string } }, at: number, operatorIds?: number[]) {
  await runUntil(sim, at);
  await setClosed(c.id, sim.now.toISOString());
  expect((await sim.webhook(closed(t, c, sim.now, operatorIds))).status).toBe(200);
  await sim.deliver();
}

/** The tenant's first read slot at or after `at`: a followed conversation's reads happen there. */
const readSlot = (t: SyncTenant, at: number) => slotAtOrAfter(t.tenantId, at);
/** The tenant's first close slot at or after `at`: a followed conversation closed then is completed there. */
const closeSlot = (t: SyncTenant, at: number) => slotAtOrAfter(t.tenantId, at, CLOSE_SLOT_MS);

/** Closes a followed conversation at `at`, then lets the clock run to its close slot. */
async function closeFollowedAt(sim: Sim, t: SyncTenant, c: { id: string; visitor: { id: string } }, at: number, operatorIds?: number[]) {
  await closeAt(sim, t, c, at, operatorIds);
  await runUntil(sim, closeSlot(t, at));
}

/** Like runUntil, but each sync message is delivered `lateMs` after it falls due (the queue's window, a busy Worker). */
async function runLate(sim: Sim, until: number, lateMs: number) {
  for (;;) {
    const at = Math.min(...sim.pending.map((m) => m.at));
    if (!Number.isFinite(at) || at > until) break;
    sim.t = Math.max(sim.t, at + lateMs);
    await sim.deliver();
  }
  sim.t = Math.max(sim.t, until);
}

/** Like runUntil, returning how many iAdvize reads each run that read something made. */
async function readsPerRun(sim: Sim, user: string, until: number): Promise<number[]> {
  const runs: number[] = [];
  for (;;) {
    const before = (await stats(user)).graphql;
    if (!(await sim.next(until))) break;
    const read = (await stats(user)).graphql - before;
    if (read > 0) runs.push(read);
  }
  sim.t = Math.max(sim.t, until);
  return runs;
}

const followRow = (t: SyncTenant, id: string) =>
  env.DB.prepare(`SELECT polls, cursor FROM follow_ups WHERE tenant_id = ?1 AND conversation_id = ?2`).bind(t.tenantId, id).first<{ polls: number; cursor: string | null }>();
const conversationRow = (t: SyncTenant, id: string) =>
  env.DB.prepare(`SELECT status, sync_status FROM conversations WHERE tenant_id = ?1 AND conversation_id = ?2`).bind(t.tenantId, id).first<{ status: string; sync_status: string }>();
const dueAt = async (t: SyncTenant, id: string) =>
  Date.parse(
    (await env.DB.prepare(`SELECT sync_due_at FROM conversations WHERE tenant_id = ?1 AND conversation_id = ?2`).bind(t.tenantId, id).first<{ sync_due_at: string }>())?.sync_due_at ?? "",
  );

describe("follow-up of an open conversation", { timeout: 60_000 }, () => {
  it("reads only the messages after the last cursor, writes the Lead while the chat goes on, and completes the Conversation record on close", async () => {
    const sim = wholeSecondSim();
    const t0 = sim.t;
    const t = await newSyncTenant({ followUp: { enabled: true } });
    const c = await openConversation(t, sim, said(0, 0, t0 + 2 * SECOND));
    expect((await sim.webhook(pushed(t, c, sim.now))).status).toBe(200);
    const user = t.iadvizeUser.username;
    // The first read: at the tenant's first read slot 30 s or more after the push.
    const first = readSlot(t, t0 + 30 * SECOND);
    expect(first - t0).toBeGreaterThanOrEqual(30 * SECOND);
    expect(first - t0).toBeLessThan(30 * SECOND + READ_SLOT_MS);

    await runUntil(sim, first - 6 * SECOND);
    expect((await stats(user)).graphql).toBe(0); // the first read waits for its slot

    // The visitor gives an email in answer to Q4: the bot's question is still the last one asked.
    await addMessages(c.id, said(1, 1, first - 5 * SECOND));
    await runUntil(sim, first - 1);
    expect((await stats(user)).graphql).toBe(0);
    await runUntil(sim, first);
    expect(await stats(user)).toMatchObject({ graphql: 1, messages: 2 });
    expect(await records(t.org, "Lead")).toHaveLength(0);

    // Q1 is asked: Q4's answer is settled, the visitor can be created: the Lead is written before the close.
    await addMessages(c.id, said(2, 4, first + 10 * SECOND));
    await runUntil(sim, first + 30 * SECOND);
    expect(await stats(user)).toMatchObject({ graphql: 2, messages: 5 });
    const [lead] = await records(t.org, "Lead");
    expect(lead).toMatchObject({ Email: "jane.doe@example.com", iAdvize_Visitor_Id__c: c.visitor.id });
    expect(lead?.Vehicle__c ?? null).toBeNull(); // Q1 is still being answered
    const [open] = await records(t.org, "iAdvize_Conversation__c");
    expect(open).toMatchObject({ Conversation_Id__c: c.id, Lead__c: lead?.Id });
    expect(open?.Closed_At__c ?? null).toBeNull();

    // Q1 answered in two messages, then Q2 asked: the Lead gets the whole answer, not its first half.
    await addMessages(c.id, said(5, 7, first + 40 * SECOND));
    await runUntil(sim, first + 60 * SECOND);
    expect(await stats(user)).toMatchObject({ graphql: 3, messages: 8 });
    expect((await records(t.org, "Lead"))[0]).toMatchObject({ Vehicle__c: "The new Zoe\nin blue if possible" });

    await addMessages(c.id, said(8, 10, first + 70 * SECOND));
    const closing = first + 95 * SECOND;
    await closeFollowedAt(sim, t, c, closing, [45012, 45013]);

    // Every message was read exactly once, and the close completed the same records.
    expect((await stats(user)).messages).toBe(M.length);
    const leads = await records(t.org, "Lead");
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ Email: "jane.doe@example.com", Vehicle__c: "The new Zoe\nin blue if possible", Engine__c: "Electric" });
    const conversations = await records(t.org, "iAdvize_Conversation__c");
    expect(conversations).toHaveLength(1);
    expect(conversations[0]).toMatchObject({ Lead__c: leads[0]?.Id, Operators__c: "45012, 45013", Unanswered__c: "Q3" });
    expect(Date.parse(String(conversations[0]?.Closed_At__c))).toBe(closing);
    expect(String(conversations[0]?.Transcript__c)).toContain("When would you like a test drive?");
    expect(await syncState(t, c.id)).toMatchObject({ sync_status: "synced" });
    expect(await followRow(t, c.id)).toBeNull();

    // Polling stopped at the close.
    const after = (await stats(user)).graphql;
    await runUntil(sim, t0 + 2 * 60 * MINUTE);
    expect((await stats(user)).graphql).toBe(after);
  });

  it("stops reading after 7 idle days, having read less and less often", async () => {
    const sim = new Sim();
    const t0 = sim.t;
    const t = await newSyncTenant({ followUp: { enabled: true } });
    const c = await openConversation(t, sim, said(0, 0, t0), { email: null });
    await sim.webhook({ ...pushed(t, c, sim.now), channel: "SMS" });
    const user = t.iadvizeUser.username;

    await runUntil(sim, t0 + 10 * MINUTE);
    const firstTen = (await stats(user)).graphql;
    await runUntil(sim, t0 + DAY);
    const firstDay = (await stats(user)).graphql;
    await runUntil(sim, t0 + 7 * DAY - SECOND);
    const week = (await stats(user)).graphql;
    // 30 s apart at first, then less and less often: hourly within the first day, every 3 hours after.
    expect(firstTen).toBeGreaterThanOrEqual(8);
    expect(firstDay - firstTen).toBeLessThanOrEqual(60);
    expect(week - firstDay).toBeLessThanOrEqual(6 * 8);
    expect(week).toBeLessThanOrEqual(110);
    expect((await followRow(t, c.id))?.polls).toBe(week);

    await runUntil(sim, t0 + 9 * DAY);
    expect((await stats(user)).graphql).toBe(week);
    expect(await followRow(t, c.id)).toBeNull();
    expect(await conversationRow(t, c.id)).toMatchObject({ status: "open", sync_status: "none" });
    expect(sim.pending).toHaveLength(0);
  });

  it("with the setting off (the default), an open conversation is never read before its close", async () => {
    const sim = new Sim();
    const t0 = sim.t;
    const t = await newSyncTenant();
    const c = await openConversation(t, sim, said(0, 4, t0));
    await sim.webhook(pushed(t, c, sim.now));
    expect(await conversationRow(t, c.id)).toMatchObject({ status: "open", sync_status: "none" });
    expect(sim.pending).toHaveLength(0); // nothing is scheduled
    await runUntil(sim, t0 + 30 * MINUTE);
    expect((await stats(t.iadvizeUser.username)).graphql).toBe(0);
    expect(await followRow(t, c.id)).toBeNull();
    expect(await conversationRow(t, c.id)).toMatchObject({ status: "open", sync_status: "none" });
    expect(await records(t.org, "Lead")).toHaveLength(0);

    await closeAt(sim, t, c, t0 + 31 * MINUTE);
    expect((await stats(t.iadvizeUser.username)).graphql).toBe(1);
    expect(await records(t.org, "iAdvize_Conversation__c")).toHaveLength(1);
  });

  it("with the setting off, a conversation reopened after its close updates the same records at its second close", async () => {
    const sim = new Sim();
    const t0 = sim.t;
    const t = await newSyncTenant();
    const c = await openConversation(t, sim, said(0, 8, t0));
    await sim.webhook(pushed(t, c, sim.now));
    await closeAt(sim, t, c, t0 + 5 * MINUTE);
    await runUntil(sim, t0 + 30 * MINUTE);
    await setClosed(c.id, null);
    await addMessages(c.id, [{ role: "visitor", text: "Back again: is the Zoe still available?", createdAt: sim.now.toISOString() }]);
    await sim.webhook(pushed(t, c, sim.now, 45014));
    expect(await conversationRow(t, c.id)).toMatchObject({ status: "open" });
    expect(sim.pending).toHaveLength(0);
    await closeAt(sim, t, c, t0 + 40 * MINUTE, [45014]);
    expect((await stats(t.iadvizeUser.username)).graphql).toBe(2); // one read per close
    expect(await records(t.org, "Lead")).toHaveLength(1);
    const conversations = await records(t.org, "iAdvize_Conversation__c");
    expect(conversations).toHaveLength(1);
    expect(String(conversations[0]?.Transcript__c)).toContain("is the Zoe still available?");
    expect(Date.parse(String(conversations[0]?.Closed_At__c))).toBe(t0 + 40 * MINUTE);
  });

  it("a conversation too long to keep between reads is read again from its start, never from a cursor without its messages", async () => {
    const sim = wholeSecondSim();
    const t0 = sim.t;
    const t = await newSyncTenant({ followUp: { enabled: true } });
    const long = Array.from({ length: 7 }, (_, i) => ({ role: "visitor" as const, text: `${"x".repeat(100_000)} ${i}`, createdAt: new Date(t0 + i * SECOND).toISOString() }));
    const c = await openConversation(t, sim, long);
    await sim.webhook(pushed(t, c, sim.now));
    await runUntil(sim, readSlot(t, t0 + 30 * SECOND) + 30 * SECOND);
    expect(await stats(t.iadvizeUser.username)).toMatchObject({ graphql: 2, messages: 14 });
    expect(await followRow(t, c.id)).toMatchObject({ polls: 2, cursor: null });
  });

  it("turned off while a conversation is followed: no read after, and the follow-up's state is dropped", async () => {
    const sim = wholeSecondSim();
    const t0 = sim.t;
    const t = await newSyncTenant({ followUp: { enabled: true } });
    const c = await openConversation(t, sim, said(0, 1, t0));
    await sim.webhook(pushed(t, c, sim.now));
    await runUntil(sim, readSlot(t, t0 + 30 * SECOND));
    expect((await stats(t.iadvizeUser.username)).graphql).toBe(1);
    expect(await followRow(t, c.id)).toMatchObject({ polls: 1 });

    const current = await (await admin("GET", `/tenants/${t.tenantId}`)).json<{ tenant: { config: Record<string, unknown> } }>();
    expect((await admin("PUT", `/tenants/${t.tenantId}`, { ...current.tenant.config, followUp: { enabled: false } })).status).toBe(200);
    await runUntil(sim, t0 + 30 * MINUTE);
    expect((await stats(t.iadvizeUser.username)).graphql).toBe(1);
    expect(await followRow(t, c.id)).toBeNull();
    expect(await conversationRow(t, c.id)).toMatchObject({ status: "open", sync_status: "none" });
  });

  it("a conversation transferred, closed, then reopened and closed again updates the same Lead and Conversation record", async () => {
    const sim = wholeSecondSim();
    const t0 = sim.t;
    const t = await newSyncTenant({ followUp: { enabled: true } });
    const c = await openConversation(t, sim, said(0, 8, t0), { email: "jane.doe@example.com" });
    await sim.webhook(pushed(t, c, sim.now));
    const first = readSlot(t, t0 + 30 * SECOND);
    await runUntil(sim, first);
    expect(await records(t.org, "Lead")).toHaveLength(1);
    expect((await records(t.org, "iAdvize_Conversation__c"))[0]).toMatchObject({ Operators__c: "45012" });

    // Transferred to another operator: pushed again while open, read at the next slot.
    await runUntil(sim, first + 20 * SECOND);
    await sim.webhook(pushed(t, c, sim.now, 45013));
    await runUntil(sim, first + 30 * SECOND);
    expect((await records(t.org, "iAdvize_Conversation__c"))[0]).toMatchObject({ Operators__c: "45012, 45013" });

    await closeFollowedAt(sim, t, c, t0 + 3 * MINUTE, [45012, 45013]);
    const firstClose = await records(t.org, "iAdvize_Conversation__c");
    expect(Date.parse(String(firstClose[0]?.Closed_At__c))).toBe(t0 + 3 * MINUTE);

    // Reopened: iAdvize pushes it again after its close, and the visitor writes again.
    await runUntil(sim, t0 + 10 * MINUTE);
    await setClosed(c.id, null);
    const served = (await stats(t.iadvizeUser.username)).messages;
    await addMessages(c.id, [{ role: "visitor", text: "One more thing: do you take trade-ins?", createdAt: new Date(t0 + 10 * MINUTE).toISOString() }]);
    await sim.webhook(pushed(t, c, sim.now, 45014));
    expect(await conversationRow(t, c.id)).toMatchObject({ status: "open" });
    await runUntil(sim, t0 + 12 * MINUTE);
    // Followed again: read once in full (its cursor was dropped at the close), then from its cursor.
    expect((await stats(t.iadvizeUser.username)).messages - served).toBe(9 + 1);

    await closeFollowedAt(sim, t, c, t0 + 20 * MINUTE, [45014]);
    const leads = await records(t.org, "Lead");
    const conversations = await records(t.org, "iAdvize_Conversation__c");
    expect(leads).toHaveLength(1);
    expect(conversations).toHaveLength(1);
    expect(conversations[0]).toMatchObject({ Lead__c: leads[0]?.Id, Operators__c: "45012, 45013, 45014" });
    expect(Date.parse(String(conversations[0]?.Closed_At__c))).toBe(t0 + 20 * MINUTE);
    expect(String(conversations[0]?.Transcript__c)).toContain("do you take trade-ins?");
    expect(await conversationRow(t, c.id)).toMatchObject({ status: "closed", sync_status: "synced" });
  });
});

describe("the follow-up's slots", { timeout: 60_000 }, () => {
  it("reads a followed conversation on its tenant's slots, 30 s apart while active, without drifting when every run comes late", async () => {
    const sim = new Sim();
    const t0 = sim.t;
    const t = await newSyncTenant({ followUp: { enabled: true } });
    const c = await openConversation(t, sim, said(0, 0, t0));
    await sim.webhook(pushed(t, c, sim.now));
    const first = readSlot(t, t0 + 30 * SECOND);
    const dues: number[] = [];
    // 20 reads, each run 1.7 s after its slot; the visitor writes before each read, so it stays due every 30 s.
    for (let i = 0; i < 20; i++) {
      const due = await dueAt(t, c.id);
      dues.push(due);
      await addMessages(c.id, [{ role: "visitor", text: `still there ${i}`, createdAt: new Date(due - 5 * SECOND).toISOString() }]);
      await runLate(sim, due + SECOND, 1_700);
    }
    expect(dues).toEqual(Array.from({ length: 20 }, (_, i) => first + i * READ_SLOT_MS));
    expect(await stats(t.iadvizeUser.username)).toMatchObject({ graphql: 20, messages: 21 });
    expect(await dueAt(t, c.id)).toBe(first + 20 * READ_SLOT_MS);
  });

  it("reads a tenant's followed conversations pushed seconds apart in the same runs, those pushed across a slot from their first read on", async () => {
    const sim = wholeSecondSim();
    const t = await newSyncTenant({ followUp: { enabled: true } });
    const user = t.iadvizeUser.username;
    const slot = readSlot(t, sim.t + 40 * SECOND);
    // A and B pushed 4 s apart, both more than 30 s before the slot; C 6 s after B, less than 30 s before it.
    const push = async (at: number) => {
      await runUntil(sim, at);
      const c = await openConversation(t, sim, said(0, 0, at));
      expect((await sim.webhook(pushed(t, c, sim.now))).status).toBe(200);
      return c;
    };
    const a = await push(slot - 38 * SECOND);
    const b = await push(slot - 34 * SECOND);
    const c = await push(slot - 28 * SECOND);
    // One run at the slot reads A and B; C is due at the next slot, read with them from then on.
    expect(await readsPerRun(sim, user, slot + 2 * READ_SLOT_MS)).toEqual([2, 3, 3]);
    for (const x of [a, b, c]) expect(await dueAt(t, x.id)).toBe(slot + 3 * READ_SLOT_MS);
  });

  it("completes a followed conversation's close at the tenant's next close slot, within 10 s, while a conversation not followed is synced at its close", async () => {
    const sim = wholeSecondSim();
    const t0 = sim.t;
    const t = await newSyncTenant({ followUp: { enabled: true } });
    const user = t.iadvizeUser.username;
    const c = await openConversation(t, sim, said(0, 8, t0), { email: "jane.doe@example.com" });
    await sim.webhook(pushed(t, c, sim.now));
    const first = readSlot(t, t0 + 30 * SECOND);
    await runUntil(sim, first);
    expect(await records(t.org, "Lead")).toHaveLength(1);

    // Closed 1 s after a read slot, off the close grid: it waits 9 s, for the next close slot, not for the next read slot.
    const closing = first + SECOND;
    const slot = closeSlot(t, closing);
    expect(slot - closing).toBeLessThanOrEqual(CLOSE_SLOT_MS);
    expect(slot).toBe(first + CLOSE_SLOT_MS);
    // Beside it, a conversation of the same tenant that was never followed (no push seen), closed at the same time.
    const other = await seedConversation({ projectId: t.projectId, createdAt: new Date(t0).toISOString(), closedAt: null, visitor: { ...CAR_DEALER.visitor, id: crypto.randomUUID(), email: "john.roe@example.com" } });
    await closeAt(sim, t, c, closing, [45012]);
    await setClosed(other.id, sim.now.toISOString());
    expect((await sim.webhook(closed(t, other, sim.now))).status).toBe(200);
    await sim.deliver();
    expect(await syncState(t, other.id)).toMatchObject({ sync_status: "synced" });
    expect((await stats(user)).graphql).toBe(2); // the followed one's first read, and the other's close

    await runUntil(sim, slot - 1);
    expect((await stats(user)).graphql).toBe(2);
    const open = (await records(t.org, "iAdvize_Conversation__c")).find((r) => r.Conversation_Id__c === c.id);
    expect(open?.Closed_At__c ?? null).toBeNull();

    await runUntil(sim, slot);
    expect((await stats(user)).graphql).toBe(3);
    const done = (await records(t.org, "iAdvize_Conversation__c")).find((r) => r.Conversation_Id__c === c.id);
    expect(Date.parse(String(done?.Closed_At__c))).toBe(closing);
    expect(await syncState(t, c.id)).toMatchObject({ sync_status: "synced" });
    expect(await followRow(t, c.id)).toBeNull();
  });
});

describe("the follow-up and the API budget", { timeout: 60_000 }, () => {
  it("a followed conversation is not read while its follow_up tier is paused, and is read again once the budget allows", async () => {
    const sim = new Sim();
    const t = await newSyncTenant({ followUp: { enabled: true }, budget: { daily: { calls: 1 } } });
    // One on-close sync spends the connector's whole day.
    await pendingConversation(t, {}, sim.now);
    await sim.env.SYNC_QUEUE.send({ tenantId: t.tenantId });
    await sim.deliver();
    const spent = (await stats(t.iadvizeUser.username)).graphql;

    const c = await openConversation(t, sim, said(0, 4, sim.t));
    await sim.webhook(pushed(t, c, sim.now));
    await runUntil(sim, sim.t + 10 * MINUTE);
    expect((await stats(t.iadvizeUser.username)).graphql).toBe(spent);
    const paused = await env.DB.prepare(`SELECT sync_status, sync_error FROM conversations WHERE tenant_id = ?1 AND conversation_id = ?2`)
      .bind(t.tenantId, c.id)
      .first<{ sync_status: string; sync_error: string }>();
    expect(paused?.sync_status).toBe("pending");
    expect(JSON.parse(paused?.sync_error ?? "{}")).toMatchObject({ code: "budget_paused", tier: "follow_up" });

    const midnight = Date.UTC(sim.now.getUTCFullYear(), sim.now.getUTCMonth(), sim.now.getUTCDate() + 1);
    await runUntil(sim, midnight + 10 * MINUTE);
    await sim.cron();
    await runUntil(sim, midnight + 20 * MINUTE);
    expect((await stats(t.iadvizeUser.username)).graphql).toBeGreaterThan(spent);
    expect(await records(t.org, "iAdvize_Conversation__c")).toHaveLength(2);
  });
});

describe("the follow-up setting", () => {
  it("is off by default, saved through the tenant's configuration, and refused when malformed", async () => {
    const id = `ha-${Math.floor(Math.random() * 1e9) + 1}`;
    expect((await admin("PUT", `/tenants/${id}`, tenantBody())).status).toBe(201);
    const off = await (await admin("GET", `/tenants/${id}`)).json<{ tenant: { config: Record<string, unknown> } }>();
    expect(off.tenant.config.followUp).toBeUndefined();

    const bad = await admin("PUT", `/tenants/${id}`, tenantBody({ followUp: { enabled: "yes" } }));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("followUp.enabled");
    const unknown = await admin("PUT", `/tenants/${id}`, tenantBody({ followUp: { enabled: true, everySeconds: 5 } }));
    expect(unknown.status).toBe(400);
    expect((await admin("PUT", `/tenants/${id}`, tenantBody({ followUp: {} }))).status).toBe(200);
    expect(await (await admin("GET", `/tenants/${id}`)).text()).toContain('"followUp":{"enabled":false}');

    expect((await admin("PUT", `/tenants/${id}`, tenantBody({ followUp: { enabled: true } }))).status).toBe(200);
    const on = await (await admin("GET", `/tenants/${id}`)).text();
    expect(on).toContain('"followUp":{"enabled":true}');
  });
});
