// Two D1 databases (vitest.shards.config.ts: DB and DB_1, DB_SHARDS=DB,DB_1): each tenant's
// rows live in the database placement gives it and nowhere else, signed webhooks still reach
// its Salesforce org, the directory (DB) still finds every tenant from its keys, and the
// cron's passes reach both databases.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { STALE_AFTER_MS } from "../../src/events/redrive.ts";
import { KnownEvent } from "../../src/events/schema.ts";
import { insertEvent } from "../../src/events/store.ts";
import { tenantBinding } from "../../src/tenants/placement.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { admin } from "../helpers/admin.ts";
import { ask, escalationTenant } from "../helpers/escalation.ts";
import { seedConversation } from "../helpers/iadvize.ts";
import { uniqueTenantId } from "../helpers/ids.ts";
import { records } from "../helpers/salesforce.ts";
import { inbox, mobile, send, sendBody, surveyTenant } from "../helpers/surveys.ts";
import { newSyncTenant } from "../helpers/tenant.ts";
import { waitFor } from "../helpers/wait.ts";
import { fresh, sendEvent } from "../helpers/webhook.ts";

const SHARDS = ["DB", "DB_1"] as const;
type Shard = (typeof SHARDS)[number];
const DAY = 86_400_000;

function db(shard: Shard): D1Database {
  const bound = shard === "DB" ? env.DB : env.DB_1;
  if (!bound) throw new Error(`${shard} is not bound: run with vitest.shards.config.ts`);
  return bound;
}
const other = (shard: Shard): Shard => (shard === "DB" ? "DB_1" : "DB");

const count = (shard: Shard, table: string, tenantId: string, column = "tenant_id") =>
  db(shard).prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = ?1`).bind(tenantId).first<number>("n");

/** Tenants made by `make` until one lands on each database (ids are random, so is the database). */
async function onEachShard<T extends { tenantId: string }>(make: () => Promise<T>): Promise<Record<Shard, T>> {
  const found = new Map<string, T>();
  for (let i = 0; i < 30 && found.size < SHARDS.length; i++) {
    const t = await make();
    const binding = tenantBinding(env, t.tenantId);
    if (!found.has(binding)) found.set(binding, t);
  }
  const [a, b] = SHARDS.map((s) => found.get(s));
  if (!a || !b) throw new Error(`no tenant landed on ${SHARDS.filter((s) => !found.has(s)).join(", ")}`);
  return { DB: a, DB_1: b };
}

/** A tenant id that lands on `shard`. */
function idOn(shard: Shard): string {
  for (;;) {
    const id = uniqueTenantId();
    if (tenantBinding(env, id) === shard) return id;
  }
}

describe("placement over two databases", { timeout: 90_000 }, () => {
  it("spreads tenants over both bindings, the same tenant always on the same one", () => {
    const ids = Array.from({ length: 200 }, () => uniqueTenantId());
    const on = ids.map((id) => tenantBinding(env, id));
    expect(new Set(on)).toEqual(new Set(SHARDS));
    expect(ids.map((id) => tenantBinding(env, id))).toEqual(on);
    expect(on.filter((s) => s === "DB_1").length).toBeGreaterThan(50);
  });

  it("each tenant's signed webhooks reach its Salesforce org, and its rows are in its database only", async () => {
    const tenants = await onEachShard(() => newSyncTenant());
    await Promise.all(
      SHARDS.map(async (shard) => {
        const t = tenants[shard];
        const seeded = await seedConversation({ projectId: t.projectId, visitor: { firstName: "Jane", lastName: "Doe", email: null, phoneNumber: null, city: "Nantes", country: "FR", externalUserId: null, id: crypto.randomUUID() } });
        const common = { projectId: t.projectId, conversationId: seeded.id, visitorId: seeded.visitor.id };
        expect((await sendEvent(fresh(fixtures.conversationPushed, common))).status).toBe(200);
        expect((await sendEvent(fresh(fixtures.conversationClosed, common))).status).toBe(200);
        const synced = await waitFor(
          () => db(shard).prepare("SELECT sf_lead_id FROM conversations WHERE tenant_id = ?1 AND conversation_id = ?2 AND sync_status = 'synced'").bind(t.tenantId, seeded.id).first<{ sf_lead_id: string }>(),
          { timeoutMs: 40_000, what: `${t.tenantId}'s conversation synced in ${shard}` },
        );
        const leads = await records(t.org, "Lead");
        expect(leads.map((l) => l.Id)).toEqual([synced.sf_lead_id]);
        expect(await records(t.org, "iAdvize_Conversation__c")).toHaveLength(1);

        for (const [table, column] of [["tenants", "id"], ["events", "tenant_id"], ["conversations", "tenant_id"], ["salesforce_usage", "tenant_id"]] as const) {
          expect(await count(shard, table, t.tenantId, column), `${table} in ${shard}`).toBeGreaterThan(0);
          expect(await count(other(shard), table, t.tenantId, column), `${table} in ${other(shard)}`).toBe(0);
        }
        const view = await (await admin("GET", `/tenants/${t.tenantId}`)).json<{ conversations: Record<string, number> }>();
        expect(view.conversations.synced).toBe(1);
      }),
    );
  });

  it("the directory finds each tenant from its escalation key, its survey key and the admin list", async () => {
    const escalating = await onEachShard(() => escalationTenant());
    const surveying = await onEachShard(() => surveyTenant());
    // DB_1's tenant first: the first phone number hashed in this run is one of its tenants'.
    for (const shard of ["DB_1", "DB"] as const) {
      const e = escalating[shard];
      const answer = await ask(e.key, { phone: "06 12 34 56 78" });
      expect(answer.status).toBe("scheduled");
      expect(await count(shard, "escalations", e.tenantId)).toBe(1);
      expect(await count(other(shard), "escalations", e.tenantId)).toBe(0);
      // The key that finds the tenant is in the directory, whichever database its rows are in.
      expect(await count("DB", "escalation_keys", e.tenantId)).toBe(1);

      const s = surveying[shard];
      const phone = mobile();
      expect((await send(s.key, sendBody(phone))).status).toBe(202);
      // The survey queue's consumer finds the SMS in the tenant's database and sends it.
      await waitFor(async () => (await inbox(s, phone)).length > 0, { timeoutMs: 20_000, what: `${s.tenantId}'s first SMS` });
      expect(await count(shard, "survey_sessions", s.tenantId)).toBe(1);
      expect(await count(other(shard), "survey_sessions", s.tenantId)).toBe(0);
      expect(await count("DB", "survey_keys", s.tenantId)).toBe(1);
    }
    expect(await count("DB_1", "escalation_keys", escalating.DB_1.tenantId)).toBe(0);
    // One phone-number hashing key for all tenants: in the directory only.
    expect(await db("DB_1").prepare("SELECT COUNT(*) AS n FROM hashing_keys").first<number>("n")).toBe(0);

    const listed = await (await admin("GET", "/tenants")).json<{ tenants: { id: string }[] }>();
    const ids = listed.tenants.map((t) => t.id);
    for (const t of [...Object.values(escalating), ...Object.values(surveying)]) expect(ids).toContain(t.tenantId);
    expect(ids).toEqual([...ids].sort());
  });

  it("the cron's re-drive and retention reach both databases", async () => {
    const now = Date.now();
    const placed = SHARDS.map((shard) => ({ shard, tenantId: idOn(shard), stale: KnownEvent.parse(fresh(fixtures.conversationClosed)), old: crypto.randomUUID() }));
    for (const p of placed) {
      await insertEvent(db(p.shard), { tenantId: p.tenantId, event: p.stale, correlationId: undefined, deliveryId: undefined, receivedAt: new Date(now - STALE_AFTER_MS - 60_000) });
      await db(p.shard)
        .prepare(`INSERT INTO events (event_id, event_type, tenant_id, payload, status, received_at, updated_at) VALUES (?1, 'v2.conversation.closed', ?2, '{}', 'processed', ?3, ?3)`)
        .bind(p.old, p.tenantId, new Date(now - 91 * DAY).toISOString())
        .run();
    }
    const sendBatch = vi.spyOn(env.CONVERSATION_QUEUE, "sendBatch");
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "*/5 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    const sent = sendBatch.mock.calls.flatMap(([messages]) => [...messages].map((m) => m.body as { eventId?: string; tenantId: string }));
    sendBatch.mockRestore();
    for (const p of placed) {
      expect(sent, `re-drive in ${p.shard}`).toContainEqual({ kind: "stored", eventId: p.stale.eventId, tenantId: p.tenantId });
      expect(await db(p.shard).prepare("SELECT COUNT(*) AS n FROM events WHERE event_id = ?1").bind(p.old).first<number>("n"), `retention in ${p.shard}`).toBe(0);
    }
  });
});
