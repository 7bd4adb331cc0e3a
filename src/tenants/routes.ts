// Admin JSON API for tenants: PUT, GET one, GET all, DELETE. Secrets are never shown.
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../errors.ts";
import { countByStatus, releaseAwaiting } from "../events/store.ts";
import { readJsonBody } from "../lib/json-body.ts";
import { issuesOf } from "../lib/zod-issues.ts";
import { log } from "../log.ts";
import { enqueueAll } from "../queues.ts";
import { dropStoredTokens } from "../lib/token-cache.ts";
import { TenantId, TenantInput } from "./schema.ts";
import { redact, splitSecrets } from "./secrets.ts";
import type { TenantRecord } from "./store.ts";
import { deleteTenant, getTenant, listTenants, saveTenant } from "./store.ts";

function tenantIdParam(raw: string): string {
  const parsed = TenantId.safeParse(raw);
  if (!parsed.success) throw new AppError("invalid_request", "The tenant id must look like ha-123 or sd-456.");
  return parsed.data;
}

function view(record: TenantRecord) {
  return {
    id: record.id,
    config: redact(record.settings, record.secrets),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export const tenantRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const tenants = await listTenants(c.env.DB, c.var.config.ENCRYPTION_KEY);
    return c.json({ tenants: tenants.map(view) });
  })
  .get("/:tenantId", async (c) => {
    const id = tenantIdParam(c.req.param("tenantId"));
    const record = await getTenant(c.env.DB, c.var.config.ENCRYPTION_KEY, id);
    if (!record) throw new AppError("not_found", `Tenant ${id} is not configured.`);
    return c.json({ tenant: view(record), events: await countByStatus(c.env.DB, id) });
  })
  .put("/:tenantId", async (c) => {
    const id = tenantIdParam(c.req.param("tenantId"));
    const parsed = TenantInput.safeParse(await readJsonBody(c));
    if (!parsed.success) {
      throw new AppError("invalid_request", "The tenant configuration is invalid.", { details: issuesOf(parsed.error) });
    }
    const keys = c.var.config.ENCRYPTION_KEY;
    const existing = await getTenant(c.env.DB, keys, id);
    const { settings, secrets } = splitSecrets(parsed.data, existing?.secrets ?? {});
    const now = new Date();
    const created = await saveTenant(c.env.DB, keys, id, settings, secrets, now);
    // Credentials may have changed: the next call logs in with the saved ones.
    await dropStoredTokens(c.env.DB, id);

    // Events that arrived before the tenant was configured can be processed now.
    const released = await releaseAwaiting(c.env.DB, id, now);
    await enqueueAll(
      c.env.CONVERSATION_QUEUE,
      released.map((eventId) => ({ kind: "stored" as const, eventId, tenantId: id })),
    );
    log.info("tenant.saved", { tenantId: id, created, releasedEvents: released.length });

    const record = await getTenant(c.env.DB, keys, id);
    if (!record) throw new AppError("internal", "The tenant vanished while being saved.");
    return c.json({ tenant: view(record), releasedEvents: released.length }, created ? 201 : 200);
  })
  .delete("/:tenantId", async (c) => {
    const id = tenantIdParam(c.req.param("tenantId"));
    if (!(await deleteTenant(c.env.DB, id))) throw new AppError("not_found", `Tenant ${id} is not configured.`);
    log.info("tenant.deleted", { tenantId: id });
    return c.body(null, 204);
  });
