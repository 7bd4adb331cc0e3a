// Admin JSON API for tenants: PUT, GET one (with its event, sync and API usage figures,
// and its API budget, also alone at /budget),
// GET all, DELETE, and a re-drive of what failed. Secrets are never shown.
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../errors.ts";
import { countByStatus } from "../events/store.ts";
import { syncCounts } from "../conversations/sync-store.ts";
import { attentionCounts } from "../conversations/attention.ts";
import { usageOf } from "../salesforce/usage.ts";
import { budgetView } from "../budget/view.ts";
import { readJsonBody } from "../http/json-body.ts";
import { log } from "../log.ts";
import { setKeyStatements } from "../escalation/keys.ts";
import { audit, countsByStatus } from "../escalation/store.ts";
import { setKeyStatements as setDeflectionKeyStatements } from "../deflection/keys.ts";
import { audit as deflectionAudit, countsByStatus as deflectionCounts } from "../deflection/store.ts";
import { redriveTenant } from "../tenants/redrive.ts";
import { saveTenantInput } from "../tenants/save.ts";
import { TenantId } from "../tenants/schema.ts";
import { redact } from "../tenants/secrets.ts";
import { tenantHoldOf } from "../sync/holds.ts";
import type { TenantHold } from "../sync/holds.ts";
import type { TenantRecord } from "../tenants/store.ts";
import type { TenantListing } from "../tenants/store.ts";
import { deleteTenant, getTenant } from "../tenants/store.ts";
import { everyTenantHold, listEveryTenant } from "../tenants/every.ts";
import { directoryDb, tenantDb } from "../tenants/placement.ts";
import { surveyRoutingStatements } from "../surveys/routing.ts";

export function tenantIdParam(raw: string): string {
  const parsed = TenantId.safeParse(raw);
  if (parsed.success) return parsed.data;
  // ha-03291 would be a second tenant beside ha-3291, which events never name.
  const zeros = /^(ha|sd)-0+(\d+)$/.exec(raw);
  if (zeros) throw new AppError("invalid_request", `The tenant id has leading zeros: it is written ${zeros[1]}-${Number(zeros[2])}.`);
  throw new AppError("invalid_request", "The tenant id must look like ha-123 or sd-456 (a positive project id).");
}

export function view(record: TenantRecord) {
  return {
    id: record.id,
    config: redact(record.settings, record.secrets),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** A tenant in the list: one whose secrets no key opens says so, with its settings only. */
function listingView(listing: TenantListing) {
  if (!listing.secretsUnreadable) return view(listing);
  const { id, settings, createdAt, updatedAt } = listing;
  return { id, config: redact(settings, {}), createdAt, updatedAt, secretsUnreadable: true as const };
}

/** Why the tenant's syncs wait, if they do: names only, never values. */
function holdView(hold: TenantHold | null) {
  return hold ? { reason: hold.reason, paths: hold.paths, since: hold.since, until: hold.until } : null;
}

export const tenantRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const tenants = await listEveryTenant(c.env, c.var.config.ENCRYPTION_KEY);
    const holds = await everyTenantHold(c.env);
    return c.json({ tenants: tenants.map((t) => ({ ...listingView(t), hold: holdView(holds.get(t.id) ?? null) })) });
  })
  .get("/:tenantId", async (c) => {
    const id = tenantIdParam(c.req.param("tenantId"));
    const record = await getTenant(tenantDb(c.env, id), c.var.config.ENCRYPTION_KEY, id);
    if (!record) throw new AppError("not_found", `Tenant ${id} is not configured.`);
    return c.json({
      tenant: view(record),
      hold: holdView(await tenantHoldOf(tenantDb(c.env, id), id)),
      events: await countByStatus(tenantDb(c.env, id), id),
      conversations: await syncCounts(tenantDb(c.env, id), id),
      // Finished conversations are counted for this many days after their last change (the retention).
      conversationsKeptDays: c.var.config.RETENTION_DAYS,
      needsAttention: await attentionCounts(tenantDb(c.env, id), id),
      salesforceUsage: await usageOf(tenantDb(c.env, id), id),
      escalationsLast30Days: await countsByStatus(tenantDb(c.env, id), id, new Date(Date.now() - 30 * 86_400_000)),
      deflectionsLast30Days: await deflectionCounts(tenantDb(c.env, id), id, new Date(Date.now() - 30 * 86_400_000)),
      budget: await budgetView(tenantDb(c.env, id), id, Date.now()),
    });
  })
  .get("/:tenantId/budget", async (c) => {
    const id = tenantIdParam(c.req.param("tenantId"));
    if (!(await getTenant(tenantDb(c.env, id), c.var.config.ENCRYPTION_KEY, id))) throw new AppError("not_found", `Tenant ${id} is not configured.`);
    return c.json({ budget: await budgetView(tenantDb(c.env, id), id, Date.now()) });
  })
  .get("/:tenantId/escalations", async (c) => {
    const id = tenantIdParam(c.req.param("tenantId"));
    const sinceParam = c.req.query("since");
    const since = sinceParam ? new Date(sinceParam) : new Date(Date.now() - 30 * 86_400_000);
    if (Number.isNaN(since.getTime())) throw new AppError("invalid_request", "since must be an ISO 8601 date.");
    const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 100) || 100, 1), 1000);
    return c.json({ escalations: await audit(tenantDb(c.env, id), id, since, limit) });
  })
  .get("/:tenantId/deflections", async (c) => {
    const id = tenantIdParam(c.req.param("tenantId"));
    const sinceParam = c.req.query("since");
    const since = sinceParam ? new Date(sinceParam) : new Date(Date.now() - 30 * 86_400_000);
    if (Number.isNaN(since.getTime())) throw new AppError("invalid_request", "since must be an ISO 8601 date.");
    const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 100) || 100, 1), 1000);
    return c.json({ deflections: await deflectionAudit(tenantDb(c.env, id), id, since, limit) });
  })
  .put("/:tenantId", async (c) => {
    const id = tenantIdParam(c.req.param("tenantId"));
    const saved = await saveTenantInput(c.env, c.var.config, id, await readJsonBody(c), new Date());
    return c.json({ tenant: view(saved.record), releasedEvents: saved.releasedEvents, warnings: saved.warnings }, saved.created ? 201 : 200);
  })
  .post("/:tenantId/redrive", async (c) => {
    const id = tenantIdParam(c.req.param("tenantId"));
    if (!(await getTenant(tenantDb(c.env, id), c.var.config.ENCRYPTION_KEY, id))) throw new AppError("not_found", `Tenant ${id} is not configured.`);
    return c.json({ redriven: await redriveTenant(c.env, id, new Date()) });
  })
  .delete("/:tenantId", async (c) => {
    const id = tenantIdParam(c.req.param("tenantId"));
    if (!(await deleteTenant(tenantDb(c.env, id), id))) throw new AppError("not_found", `Tenant ${id} is not configured.`);
    const directory = directoryDb(c.env);
    await directory.batch([...(await setKeyStatements(directory, id, undefined)), ...(await setDeflectionKeyStatements(directory, id, undefined)), ...(await surveyRoutingStatements(directory, id, undefined))]);
    log.info("tenant.deleted", { tenantId: id });
    return c.body(null, 204);
  });
