// The one way a tenant is written, shared by the admin JSON API and the setup console:
// checked input (with this Worker's origin rules), secrets sealed, tokens dropped, the
// bots' and surveys' keys indexed, the events and conversations that waited released, and the free
// checks' warnings.
import type { Bindings, Config } from "../env.ts";
import { AppError } from "../errors.ts";
import { releaseAwaiting } from "../events/store.ts";
import { hasPending } from "../conversations/sync-store.ts";
import { MIN_KEY_LENGTH, setKeyStatements } from "../escalation/keys.ts";
import { setKeyStatements as setDeflectionKeyStatements } from "../deflection/keys.ts";
import { issuesOf } from "../lib/zod-issues.ts";
import { dropStoredTokens } from "../secrets/token-cache.ts";
import { log } from "../log.ts";
import { freeChecks } from "../preflight/free.ts";
import { surveyRoutingStatements } from "../surveys/routing.ts";
import { enqueueAll } from "../queues.ts";
import { tenantInput } from "./schema.ts";
import { joinSecrets, splitSecrets } from "./secrets.ts";
import type { TenantRecord } from "./store.ts";
import { getTenant, saveTenantStatement } from "./store.ts";
import { directoryDb, tenantDb } from "./placement.ts";

export interface Saved {
  record: TenantRecord;
  created: boolean;
  releasedEvents: number;
  /** What the checks that cost no call found; the full preflight is POST /admin/api/tenants/:id/check. */
  warnings: Awaited<ReturnType<typeof freeChecks>>;
}

const inputSchemas = new WeakMap<Config, ReturnType<typeof tenantInput>>();

/** The input schema, with the test origins this Worker allows. */
export function inputSchemaOf(config: Config): ReturnType<typeof tenantInput> {
  let schema = inputSchemas.get(config);
  if (!schema) {
    schema = tenantInput({ testOrigins: new Set(config.ALLOW_TEST_ORIGINS) });
    inputSchemas.set(config, schema);
  }
  return schema;
}

/** Checks `input` (as the admin API takes it) and saves it as tenant `id`'s whole configuration. */
export async function saveTenantInput(env: Bindings, config: Config, id: string, input: unknown, now: Date): Promise<Saved> {
  const parsed = await inputSchemaOf(config).safeParseAsync(input);
  if (!parsed.success) {
    throw new AppError("invalid_request", "The tenant configuration is invalid.", { details: issuesOf(parsed.error) });
  }
  const escalationKey = parsed.data.escalation?.key;
  if (typeof escalationKey === "string" && escalationKey.length < MIN_KEY_LENGTH) {
    throw new AppError("invalid_request", `escalation.key must be at least ${MIN_KEY_LENGTH} random characters.`, {
      details: [{ path: "escalation.key", message: "too short" }],
    });
  }
  const keys = config.ENCRYPTION_KEY;
  const db = tenantDb(env, id);
  const directory = directoryDb(env);
  const existing = await getTenant(db, keys, id);
  const { settings, secrets } = splitSecrets(parsed.data, existing?.secrets ?? {});
  // The configuration and what routes to it (the bots' key, the survey key and sender
  // number, each looked up by its hash) in one batch: a key another tenant holds refuses
  // the whole save, so a 400 never leaves a half-saved tenant behind. With the directory in
  // another database than the tenant's, the routing is saved first, for the same reason.
  const surveys = parsed.data.surveys;
  const configuration = await saveTenantStatement(db, keys, id, settings, secrets, now);
  const routing = [
    ...(await setKeyStatements(directory, id, secrets["escalation.key"])),
    ...(await setDeflectionKeyStatements(directory, id, secrets["deflection.key"])),
    ...(await surveyRoutingStatements(directory, id, surveys && { key: secrets["surveys.key"], provider: surveys.provider })),
  ];
  let created: boolean;
  try {
    if (db !== directory) await directory.batch(routing);
    const [saved] = await db.batch<{ created_at: string }>(db === directory ? [configuration, ...routing] : [configuration]);
    created = saved?.results[0]?.created_at === now.toISOString();
  } catch (err) {
    throw routingConflict(err);
  }
  // Credentials may have changed: the next call logs in with the saved ones.
  await dropStoredTokens(db, id);

  // Events that arrived before the tenant was configured can be processed now.
  const released = await releaseAwaiting(db, id, now);
  await enqueueAll(
    env.CONVERSATION_QUEUE,
    released.map((eventId) => ({ kind: "stored" as const, eventId, tenantId: id })),
  );
  // Conversations that waited for a working Salesforce connection can go now.
  if (await hasPending(db, id)) await env.SYNC_QUEUE.send({ tenantId: id });
  log.info("tenant.saved", { tenantId: id, created, releasedEvents: released.length });

  const record = await getTenant(db, keys, id);
  if (!record) throw new AppError("internal", "The tenant vanished while being saved.");
  const warnings = await freeChecks(db, id, joinSecrets(record.settings, record.secrets), now);
  return { record, created, releasedEvents: released.length, warnings };
}

/** A batch refused by a unique key: which routing another tenant already holds, named; anything else goes on. */
function routingConflict(err: unknown): unknown {
  const message = err instanceof Error ? err.message : "";
  if (!/UNIQUE constraint failed/i.test(message)) return err;
  if (message.includes("escalation_keys")) return new AppError("invalid_request", "This escalation key is already used by another tenant; choose another.");
  if (message.includes("deflection_keys")) return new AppError("invalid_request", "This deflection key is already used by another tenant; choose another.");
  if (message.includes("survey_keys") || message.includes("survey_senders")) {
    return new AppError("invalid_request", "This survey key or sender number is already used by another tenant; choose another.");
  }
  return err;
}
