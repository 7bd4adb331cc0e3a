// POST /admin/api/tenants/:tenantId/check: the preflight of one tenant, as a checklist.
// An optional JSON body `{"timeoutMs": n}` bounds each check (default 8 s).
import { Hono } from "hono";
import * as z from "zod";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../errors.ts";
import { readJsonBody } from "../http/json-body.ts";
import { issuesOf } from "../lib/zod-issues.ts";
import { TenantId } from "../tenants/schema.ts";
import { getTenantConfig } from "../tenants/store.ts";
import { DEFAULT_CHECK_TIMEOUT_MS, preflightTenant } from "./tenant.ts";
import { tenantDb } from "../tenants/placement.ts";

const CheckRequest = z.object({ timeoutMs: z.number().int().min(50).max(30_000).optional() }).strict();

export const preflightRoutes = new Hono<AppEnv>().post("/:tenantId/check", async (c) => {
  const id = TenantId.safeParse(c.req.param("tenantId"));
  if (!id.success) throw new AppError("invalid_request", "The tenant id must look like ha-123 or sd-456.");
  // The body is optional: without a Content-Type there is none to read.
  const request = CheckRequest.safeParse(c.req.header("content-type") ? await readJsonBody(c) : {});
  if (!request.success) throw new AppError("invalid_request", "The check request is invalid.", { details: issuesOf(request.error) });
  const tenant = await getTenantConfig(tenantDb(c.env, id.data), c.var.config.ENCRYPTION_KEY, id.data);
  if (!tenant) throw new AppError("not_found", `Tenant ${id.data} is not configured.`);

  return c.json(await preflightTenant(c.env, c.var.config, id.data, tenant, request.data.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS));
});
