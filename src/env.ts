// The Worker's bindings and the zod check of its vars and secrets, defined once.
import * as z from "zod";
import type { DeflectionMessage } from "./deflection/queue.ts";
import type { EscalationMessage } from "./escalation/queue.ts";
import type { QueueMessage, SyncMessage } from "./queues.ts";
import type { SurveyMessage } from "./surveys/queue.ts";
import type { BackfillMessage } from "./backfill/queue.ts";

/** Bindings as wrangler.toml declares them; vars and secrets are checked by EnvSchema. */
export interface Bindings {
  DB: D1Database;
  /** Optional: the D1 bindings tenants are spread over, comma-separated (default "DB"); see src/tenants/placement.ts. */
  DB_SHARDS?: string;
  /** Optional: tenants pinned to a binding ("tenant=DB_1,…"), for a tenant moved between databases. */
  DB_PINS?: string;
  CONVERSATION_QUEUE: Queue<QueueMessage>;
  SYNC_QUEUE: Queue<SyncMessage>;
  ESCALATION_QUEUE: Queue<EscalationMessage>;
  SURVEY_QUEUE: Queue<SurveyMessage>;
  DEFLECTION_QUEUE: Queue<DeflectionMessage>;
  BACKFILL_QUEUE: Queue<BackfillMessage>;
  IADVIZE_WEBHOOK_SECRET?: string;
  ADMIN_TOKEN?: string;
  ENCRYPTION_KEY?: string;
  IADVIZE_API_URL?: string;
  SALESFORCE_CLIENT_ID?: string;
  SALESFORCE_CLIENT_SECRET?: string;
  SALESFORCE_LOGIN_URL?: string;
  SYNC_GIVE_UP_HOURS?: string;
  RETENTION_DAYS?: string;
  ALLOW_TEST_ORIGINS?: string;
}

const commaList = (what: string) =>
  z
    .string({ error: `${what} is missing` })
    .transform((s) => s.split(",").map((v) => v.trim()).filter((v) => v.length > 0))
    .pipe(z.array(z.string()).min(1, `${what} is empty`));

const isAesKey = (b64: string): boolean => {
  try {
    return atob(b64).length === 32;
  } catch {
    return false;
  }
};

export const EnvSchema = z.object({
  IADVIZE_WEBHOOK_SECRET: commaList("IADVIZE_WEBHOOK_SECRET"),
  ADMIN_TOKEN: z
    .string({ error: "ADMIN_TOKEN is missing" })
    .min(16, "ADMIN_TOKEN must be at least 16 characters"),
  ENCRYPTION_KEY: commaList("ENCRYPTION_KEY").refine(
    (keys) => keys.every(isAesKey),
    "ENCRYPTION_KEY must be base64 of 32 bytes (several comma-separated for rotation, newest first)",
  ),
  IADVIZE_API_URL: z
    .url({ error: "IADVIZE_API_URL must be a URL" })
    .default("https://api.iadvize.com")
    .transform((u) => u.replace(/\/+$/, "")),
  // The operator's connected app, for "Connect Salesforce" in the setup console (optional).
  SALESFORCE_CLIENT_ID: z.string().min(1).optional(),
  SALESFORCE_CLIENT_SECRET: z.string().min(1).optional(),
  SALESFORCE_LOGIN_URL: z
    .url({ error: "SALESFORCE_LOGIN_URL must be a URL" })
    .default("https://login.salesforce.com")
    .transform((u) => u.replace(/\/+$/, "")),
  /** A conversation that keeps failing on its own is given up after this many hours (the tenant's outages do not count). */
  SYNC_GIVE_UP_HOURS: z.coerce.number({ error: "SYNC_GIVE_UP_HOURS must be a number of hours" }).positive("SYNC_GIVE_UP_HOURS must be positive").default(72),
  /** Processed events, escalation and deflection records are deleted after this many days. */
  RETENTION_DAYS: z.coerce.number({ error: "RETENTION_DAYS must be a number of days" }).int().positive("RETENTION_DAYS must be positive").default(90),
  // Tests and the local demo only: origins (the emulators) a tenant's URLs may use
  // although they are not https on a public host. Never set in production.
  ALLOW_TEST_ORIGINS: z
    .string()
    .default("")
    .transform((s) => s.split(",").map((v) => v.trim()).filter((v) => v.length > 0))
    .pipe(z.array(z.url({ protocol: /^https?$/, error: "ALLOW_TEST_ORIGINS must be comma-separated http(s) origins" })))
    .transform((urls) => urls.map((u) => new URL(u).origin)),
});
export type Config = z.infer<typeof EnvSchema>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Checks vars and secrets; the problems name the setting, never its value. */
export function checkConfig(vars: Record<string, unknown>): ConfigResult {
  const parsed = EnvSchema.safeParse(vars);
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => i.message) };
}

const cache = new WeakMap<object, ConfigResult>();

/** The checked configuration of this env object, computed once per isolate. */
export function configOf(env: Bindings): ConfigResult {
  let result = cache.get(env);
  if (!result) {
    result = checkConfig({ ...env });
    cache.set(env, result);
  }
  return result;
}
