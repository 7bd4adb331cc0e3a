// The backfill admin routes: POST starts one (202; 409 while another is active), GET shows
// the active or latest one with its progress, DELETE cancels the active one.
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../errors.ts";
import { readJsonBody } from "../http/json-body.ts";
import { issuesOf } from "../lib/zod-issues.ts";
import { log } from "../log.ts";
import { tenantIdParam } from "../admin/tenants.ts";
import { getTenantConfig } from "../tenants/store.ts";
import { progressOf } from "./progress.ts";
import { BACKFILL_MAX_DAYS, rangeProblem } from "./range.ts";
import { BackfillInput } from "./schema.ts";
import type { BackfillRow } from "./store.ts";
import { backfillSyncCounts, cancelBackfill, createBackfill, currentBackfill } from "./store.ts";
import { tenantDb } from "../tenants/placement.ts";

async function view(db: D1Database, row: BackfillRow, now: Date) {
  return progressOf(row, await backfillSyncCounts(db, row.id), now);
}

export const backfillRoutes = new Hono<AppEnv>()
  .post("/:tenantId/backfill", async (c) => {
    const id = tenantIdParam(c.req.param("tenantId"));
    const input = BackfillInput.safeParse(await readJsonBody(c));
    if (!input.success) throw new AppError("invalid_request", "The backfill request is invalid.", { details: issuesOf(input.error) });
    const now = new Date();
    const from = new Date(input.data.from);
    const to = new Date(Math.min(Date.parse(input.data.to), now.getTime()));
    const problem = rangeProblem(from, to, now);
    if (problem) throw new AppError("invalid_request", problem, { details: [{ path: "from", maxDays: BACKFILL_MAX_DAYS }] });
    const tenant = await getTenantConfig(tenantDb(c.env, id), c.var.config.ENCRYPTION_KEY, id);
    if (!tenant) throw new AppError("not_found", `Tenant ${id} is not configured.`);
    if (!tenant.iadvize || !tenant.salesforce) throw new AppError("invalid_request", `Tenant ${id} needs its iadvize and salesforce settings before a backfill.`);
    const row = await createBackfill(tenantDb(c.env, id), { id: crypto.randomUUID(), tenantId: id, from, to, dryRun: input.data.dryRun }, now);
    if (!row) {
      const active = await currentBackfill(tenantDb(c.env, id), id);
      throw new AppError("conflict", `Tenant ${id} has a backfill under way (${active?.id ?? "unknown"}): follow it with GET, or cancel it with DELETE.`);
    }
    // If the message is lost, the cron sends it again.
    await c.env.BACKFILL_QUEUE.send({ tenantId: id, backfillId: row.id }).catch(() => undefined);
    log.info("backfill.started", { tenantId: id, backfillId: row.id, dryRun: input.data.dryRun });
    return c.json({ backfill: await view(tenantDb(c.env, id), row, now) }, 202);
  })
  .get("/:tenantId/backfill", async (c) => {
    const id = tenantIdParam(c.req.param("tenantId"));
    const row = await currentBackfill(tenantDb(c.env, id), id);
    if (!row) throw new AppError("not_found", `Tenant ${id} has no backfill.`);
    return c.json({ backfill: await view(tenantDb(c.env, id), row, new Date()) });
  })
  .delete("/:tenantId/backfill", async (c) => {
    const id = tenantIdParam(c.req.param("tenantId"));
    const row = await cancelBackfill(tenantDb(c.env, id), id, new Date());
    if (!row) throw new AppError("not_found", `Tenant ${id} has no backfill under way.`);
    log.info("backfill.cancelled", { tenantId: id, backfillId: row.id });
    return c.json({ backfill: await view(tenantDb(c.env, id), row, new Date()) });
  });
