// Admin JSON API for tenants: PUT, GET one (with its event, sync and API usage figures),
// GET all, DELETE, and a re-drive of what failed. Secrets are never shown.
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { Config } from "../env.ts";
import { AppError } from "../errors.ts";
import { countByStatus, releaseAwaiting, reviveDead } from "../events/store.ts";
import { hasPending, requeueFailed, syncCounts } from "../conversations/sync-store.ts";
import { attentionCounts } from "../conversations/attention.ts";
import { usageOf } from "../salesforce/usage.ts";
import { readJsonBody } from "../http/json-body.ts";
import { issuesOf } from "../lib/zod-issues.ts";
import { log } from "../log.ts";
import { enqueueAll } from "../queues.ts";
import { dropStoredTokens } from "../secrets/token-cache.ts";
import { MIN_KEY_LENGTH, setKeyStatements } from "../escalation/keys.ts";
import { audit, countsByStatus } from "../escalation/store.ts";
import { tenantHoldOf, tenantHolds } from "../sync/holds.ts";
import type { TenantHold } from "../sync/holds.ts";
import { TenantId, tenantInput } from "../tenants/schema.ts";
import { joinSecrets, redact, splitSecrets } from "../tenants/secrets.ts";
import { freeChecks } from "../preflight/free.ts";
import type { TenantRecord } from "../tenants/store.ts";
import { deleteTenant, getTenant, listTenants, saveTenant } from "../tenants/store.ts";
import { surveyRoutingStatements } from "../surveys/routing.ts";

function tenantIdParam(raw: string): string {
  const parsed = TenantId.safeParse(raw);
  if (parsed.success) return parsed.data;
  // ha-03291 would be a second tenant beside ha-3291, which events never name.
  const zeros = /^(ha|sd)-0+(\d+)$/.exec(raw);
  if (zeros) throw new AppError("invalid_request", `The tenant id has leading zeros: it is written ${zeros[1]}-${Number(zeros[2])}.`);
  throw new AppError("invalid_request", "The tenant id must look like ha-123 or sd-456 (a positive project id).");
}

const inputSchemas = new WeakMap<Config, ReturnType<typeof tenantInput>>();

/** The admin input schema, with the test origins this Worker allows. */
function inputSchemaOf(config: Config): ReturnType<typeof tenantInput> {
  let schema = inputSchemas.get(config);
  if (!schema) {
    schema = tenantInput({ testOrigins: new Set(config.ALLOW_TEST_ORIGINS) });
    inputSchemas.set(config, schema);
  }
  return schema;
}

function view(record: TenantRecord) {
  return {
    id: record.id,
    config: redact(record.settings, record.secrets),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** Why the tenant's syncs wait, if they do: names only, never values. */
function holdView(hold: TenantHold | null) {
  return hold ? { reason: hold.reason, paths: hold.paths, since: hold.since, until: hold.until } : null;
}

export const tenantRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const tenants = await listTenants(c.env.DB, c.var.config.ENCRYPTION_KEY);
    const holds = await tenantHolds(c.env.DB);
    return c.json({ tenants: tenants.map((t) => ({ ...view(t), hold: holdView(holds.get(t.id) ?? null) })) });
  })
  .get("/:tenantId", async (c) => {
    const id = tenantIdParam(c.req.param("tenantId"));
    const record = await getTenant(c.env.DB, c.var.config.ENCRYPTION_KEY, id);
    if (!record) throw new AppError("not_found", `Tenant ${id} is not configured.`);
    return c.json({
      tenant: view(record),
      hold: holdView(await tenantHoldOf(c.env.DB, id)),
      events: await countByStatus(c.env.DB, id),
      conversations: await syncCounts(c.env.DB, id),
      needsAttention: await attentionCounts(c.env.DB, id),
      salesforceUsage: await usageOf(c.env.DB, id),
      escalationsLast30Days: await countsByStatus(c.env.DB, id, new Date(Date.now() - 30 * 86_400_000)),
    });
  })
  .get("/:tenantId/escalations", async (c) => {
    const id = tenantIdParam(c.req.param("tenantId"));
    const sinceParam = c.req.query("since");
    const since = sinceParam ? new Date(sinceParam) : new Date(Date.now() - 30 * 86_400_000);
    if (Number.isNaN(since.getTime())) throw new AppError("invalid_request", "since must be an ISO 8601 date.");
    const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 100) || 100, 1), 1000);
    return c.json({ escalations: await audit(c.env.DB, id, since, limit) });
  })
  .put("/:tenantId", async (c) => {
    const id = tenantIdParam(c.req.param("tenantId"));
    const parsed = await inputSchemaOf(c.var.config).safeParseAsync(await readJsonBody(c));
    if (!parsed.success) {
      throw new AppError("invalid_request", "The tenant configuration is invalid.", { details: issuesOf(parsed.error) });
    }
    const escalationKey = parsed.data.escalation?.key;
    if (typeof escalationKey === "string" && escalationKey.length < MIN_KEY_LENGTH) {
      throw new AppError("invalid_request", `escalation.key must be at least ${MIN_KEY_LENGTH} random characters.`, {
        details: [{ path: "escalation.key", message: "too short" }],
      });
    }
    const keys = c.var.config.ENCRYPTION_KEY;
    const existing = await getTenant(c.env.DB, keys, id);
    const { settings, secrets } = splitSecrets(parsed.data, existing?.secrets ?? {});
    const now = new Date();
    const created = await saveTenant(c.env.DB, keys, id, settings, secrets, now);
    // Credentials may have changed: the next call logs in with the saved ones.
    await dropStoredTokens(c.env.DB, id);
    // The bots' key: looked up by its hash.
    try {
      await c.env.DB.batch(await setKeyStatements(c.env.DB, id, secrets["escalation.key"]));
    } catch {
      throw new AppError("invalid_request", "This escalation key is already used by another tenant; choose another.");
    }
    const surveys = parsed.data.surveys;
    try {
      await c.env.DB.batch(await surveyRoutingStatements(c.env.DB, id, surveys && { key: secrets["surveys.key"], provider: surveys.provider }));
    } catch {
      throw new AppError("invalid_request", "This survey key or sender number is already used by another tenant; choose another.");
    }

    // Events that arrived before the tenant was configured can be processed now.
    const released = await releaseAwaiting(c.env.DB, id, now);
    await enqueueAll(
      c.env.CONVERSATION_QUEUE,
      released.map((eventId) => ({ kind: "stored" as const, eventId, tenantId: id })),
    );
    // Conversations that waited for a working Salesforce connection can go now.
    if (await hasPending(c.env.DB, id)) await c.env.SYNC_QUEUE.send({ tenantId: id });
    log.info("tenant.saved", { tenantId: id, created, releasedEvents: released.length });

    const record = await getTenant(c.env.DB, keys, id);
    if (!record) throw new AppError("internal", "The tenant vanished while being saved.");
    // The checks that cost no call; the full preflight is POST /:tenantId/check.
    const warnings = await freeChecks(c.env.DB, id, joinSecrets(record.settings, record.secrets), now);
    return c.json({ tenant: view(record), releasedEvents: released.length, warnings }, created ? 201 : 200);
  })
  .post("/:tenantId/redrive", async (c) => {
    const id = tenantIdParam(c.req.param("tenantId"));
    if (!(await getTenant(c.env.DB, c.var.config.ENCRYPTION_KEY, id))) throw new AppError("not_found", `Tenant ${id} is not configured.`);
    const now = new Date();
    const events = await reviveDead(c.env.DB, id, now);
    await enqueueAll(
      c.env.CONVERSATION_QUEUE,
      events.map((eventId) => ({ kind: "stored" as const, eventId, tenantId: id })),
    );
    const conversations = await requeueFailed(c.env.DB, id, now);
    if (conversations > 0 || (await hasPending(c.env.DB, id))) await c.env.SYNC_QUEUE.send({ tenantId: id });
    log.info("tenant.redriven", { tenantId: id, events: events.length, conversations });
    return c.json({ redriven: { events: events.length, conversations } });
  })
  .delete("/:tenantId", async (c) => {
    const id = tenantIdParam(c.req.param("tenantId"));
    if (!(await deleteTenant(c.env.DB, id))) throw new AppError("not_found", `Tenant ${id} is not configured.`);
    await c.env.DB.batch([...(await setKeyStatements(c.env.DB, id, undefined)), ...(await surveyRoutingStatements(c.env.DB, id, undefined))]);
    log.info("tenant.deleted", { tenantId: id });
    return c.body(null, 204);
  });
