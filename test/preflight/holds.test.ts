// A passing check releases the tenant's contract hold, and what waited syncs at once.
// The holds belong to the sync (src/sync/holds.ts, migration tenant_holds); until that
// lands on this branch the table is created here with the same definition.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { setSchemaVariant } from "../helpers/iadvize.ts";
import { byId, check, checkedTenant } from "../helpers/preflight.ts";
import { pendingConversation, syncState } from "../helpers/tenant.ts";
import { waitFor } from "../helpers/wait.ts";

async function hold(tenantId: string, reason: string): Promise<void> {
  await env.DB.prepare(
    `CREATE TABLE IF NOT EXISTS tenant_holds (
      tenant_id TEXT PRIMARY KEY, reason TEXT NOT NULL, paths TEXT NOT NULL DEFAULT '[]',
      since TEXT NOT NULL, until TEXT, recheck_at TEXT NOT NULL, step INTEGER NOT NULL DEFAULT 1)`,
  ).run();
  const now = new Date().toISOString();
  await env.DB.prepare(`INSERT INTO tenant_holds (tenant_id, reason, paths, since, until, recheck_at, step) VALUES (?1, ?2, '["Visitor.id"]', ?3, NULL, ?3, 1)`)
    .bind(tenantId, reason, now)
    .run();
}

const held = (tenantId: string) => env.DB.prepare(`SELECT reason FROM tenant_holds WHERE tenant_id = ?1`).bind(tenantId).first<{ reason: string }>();

describe("preflight: contract holds", () => {
  it("a passing iadvize.schema releases a hold for iadvize_schema_mismatch, and the waiting conversation syncs", async () => {
    const t = await checkedTenant();
    await hold(t.tenantId, "iadvize_schema_mismatch");
    const waiting = await pendingConversation({ tenantId: t.tenantId, projectId: t.projectId, org: t.org, iadvizeUser: t.user });
    const { answer } = await check(t.tenantId);
    const schema = byId(answer, "iadvize.schema");
    expect(schema).toMatchObject({ status: "ok", code: "hold_released" });
    expect(schema.message).toContain("iadvize_schema_mismatch is released");
    expect(await held(t.tenantId)).toBeNull();
    await waitFor(async () => (await syncState({ tenantId: t.tenantId, projectId: t.projectId, org: t.org, iadvizeUser: t.user }, waiting.id))?.sync_status === "synced", { what: "the released conversation synced" });
  });

  it("a passing salesforce.package releases a hold for salesforce_package_missing; other holds stay", async () => {
    const t = await checkedTenant();
    await hold(t.tenantId, "salesforce_package_missing");
    expect(byId((await check(t.tenantId)).answer, "salesforce.package")).toMatchObject({ status: "ok", code: "hold_released" });
    expect(await held(t.tenantId)).toBeNull();

    const outage = await checkedTenant();
    await hold(outage.tenantId, "salesforce_unavailable");
    const { answer } = await check(outage.tenantId);
    expect(byId(answer, "iadvize.schema").code).toBe("schema_valid");
    expect(byId(answer, "salesforce.package").code).toBe("package_complete");
    expect(await held(outage.tenantId)).toEqual({ reason: "salesforce_unavailable" });
  });

  it("a failing iadvize.schema keeps the hold", async () => {
    const t = await checkedTenant();
    await hold(t.tenantId, "iadvize_schema_mismatch");
    await setSchemaVariant(t.user.username, { removeFields: ["Visitor.email"] });
    expect(byId((await check(t.tenantId)).answer, "iadvize.schema").status).toBe("failed");
    expect(await held(t.tenantId)).toEqual({ reason: "iadvize_schema_mismatch" });
  });
});
