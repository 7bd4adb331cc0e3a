// The cron's safety net for syncs: tenants with due work left waiting, with a dead run's
// expired lease, or with a hold due for a re-check get a sync message; held tenants
// otherwise wait; failures whose cause was transient are taken back, final ones are not.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { holdTenant } from "../../src/sync/holds.ts";
import { SYNC_STALE_AFTER_MS } from "../../src/sync/redrive-syncs.ts";
import { Sim } from "../helpers/sim.ts";
import { uniqueTenantId } from "../helpers/ids.ts";

const tenant = () => uniqueTenantId();

async function row(tenantId: string, fields: { sync_status: string; sync_due_at?: string | null; sync_lease_until?: string | null; sync_error?: string | null; updated_at: string }) {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    `INSERT INTO conversations (tenant_id, conversation_id, status, updated_at, sync_status, sync_due_at, sync_lease_until, sync_error)
     VALUES (?1, ?2, 'closed', ?3, ?4, ?5, ?6, ?7)`,
  )
    .bind(tenantId, id, fields.updated_at, fields.sync_status, fields.sync_due_at ?? null, fields.sync_lease_until ?? null, fields.sync_error ?? null)
    .run();
  return id;
}

const statusOf = (id: string) => env.DB.prepare("SELECT sync_status FROM conversations WHERE conversation_id = ?").bind(id).first<string>("sync_status");

describe("redriveStaleSyncs", { timeout: 60_000 }, () => {
  it("sends a message for due work left waiting over a minute and for an expired lease, not for fresh or backed-off work", async () => {
    const sim = new Sim();
    const ago = (ms: number) => new Date(sim.t - ms).toISOString();
    const [stale, leaseGone, fresh, later, running] = [tenant(), tenant(), tenant(), tenant(), tenant()];
    // Re-driven after a minute (before: 15 minutes): the figure itself, not the constant.
    await row(stale, { sync_status: "pending", sync_due_at: ago(60_001), updated_at: ago(60_001) });
    await row(leaseGone, { sync_status: "syncing", sync_lease_until: ago(1), updated_at: ago(120_000) });
    await row(fresh, { sync_status: "pending", sync_due_at: ago(SYNC_STALE_AFTER_MS - 1000), updated_at: ago(1000) });
    await row(later, { sync_status: "pending", sync_due_at: ago(-3_600_000), updated_at: ago(10 * 60_000) });
    await row(running, { sync_status: "syncing", sync_lease_until: ago(-30_000), updated_at: ago(10 * 60_000) });
    await sim.cron();
    const sent = sim.pending.map((m) => m.body.tenantId);
    expect(sent).toContain(stale);
    expect(sent).toContain(leaseGone);
    for (const t of [fresh, later, running]) expect(sent).not.toContain(t);
  });

  it("leaves a held tenant alone until its re-check is due, then sends it one message", async () => {
    const sim = new Sim();
    const held = tenant();
    await row(held, { sync_status: "pending", sync_due_at: new Date(sim.t - 10 * 60_000).toISOString(), updated_at: new Date(sim.t - 10 * 60_000).toISOString() });
    await holdTenant(env.DB, held, { reason: "iadvize_unavailable" }, sim.now);
    await sim.cron();
    expect(sim.pending.map((m) => m.body.tenantId)).not.toContain(held);
    sim.t += 10_000;
    await sim.cron();
    expect(sim.pending.filter((m) => m.body.tenantId === held)).toHaveLength(1);
  });

  it("takes back failures of the last 72 h whose cause was transient, and only those", async () => {
    const sim = new Sim();
    const t = tenant();
    const recent = new Date(sim.t - 3_600_000).toISOString();
    const transient = await row(t, { sync_status: "failed", sync_error: JSON.stringify({ code: "retries_exhausted", last: { code: "iadvize_unavailable" } }), updated_at: recent });
    const outage = await row(t, { sync_status: "failed", sync_error: JSON.stringify({ code: "salesforce_unavailable" }), updated_at: recent });
    const final = await row(t, { sync_status: "failed", sync_error: JSON.stringify({ code: "FIELD_CUSTOM_VALIDATION_EXCEPTION" }), updated_at: recent });
    const givenUp = await row(t, { sync_status: "failed", sync_error: JSON.stringify({ code: "retry_window_exhausted" }), updated_at: recent });
    const old = await row(t, { sync_status: "failed", sync_error: JSON.stringify({ code: "retries_exhausted" }), updated_at: new Date(sim.t - 73 * 3_600_000).toISOString() });
    await sim.cron();
    expect(await statusOf(transient)).toBe("pending");
    expect(await statusOf(outage)).toBe("pending");
    for (const id of [final, givenUp, old]) expect(await statusOf(id)).toBe("failed");
    expect(sim.pending.map((m) => m.body.tenantId)).toContain(t);
    const state = await env.DB.prepare("SELECT sync_attempts, sync_due_at FROM conversations WHERE conversation_id = ?").bind(transient).first();
    expect(state).toEqual({ sync_attempts: 0, sync_due_at: sim.now.toISOString() });
  });
});
