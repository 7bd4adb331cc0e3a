// What the console's pages share about the tenant they show: its configuration as the
// admin API shows it, and saving a changed section through the same path as the API.
import type { Context } from "hono";
import { realSleep } from "../lib/retry.ts";
import type { RetryDeps } from "../lib/retry.ts";
import { saveTenantInput } from "../tenants/save.ts";
import type { Saved } from "../tenants/save.ts";
import { redact } from "../tenants/secrets.ts";
import type { TenantRecord } from "../tenants/store.ts";
import { getTenant } from "../tenants/store.ts";
import type { ConsoleEnv } from "./env.ts";
import { tenantDb } from "../tenants/placement.ts";

export type Input = Record<string, unknown>;

export const retryDeps = (): RetryDeps => ({ fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init), sleep: realSleep });

/** The tenant id of a page, already checked by the guard. */
export const tenantOf = (c: Context<ConsoleEnv>): string => c.req.param("tenantId") ?? "";

export async function recordOf(c: Context<ConsoleEnv>, id: string): Promise<TenantRecord | null> {
  return getTenant(tenantDb(c.env, id), c.var.config.ENCRYPTION_KEY, id);
}

/** The configuration with `{"set": true}` for each stored secret: what a PUT takes back as is. */
export function inputOf(record: TenantRecord | null): Input {
  return record ? redact(record.settings, record.secrets) : {};
}

/** Replaces one section of the configuration and saves it the way PUT /admin/api/tenants/:id does. */
export async function saveSection(c: Context<ConsoleEnv>, id: string, change: (input: Input) => Input): Promise<Saved> {
  const input = change(inputOf(await recordOf(c, id)));
  return saveTenantInput(c.env, c.var.config, id, input, new Date());
}

export const formString = (form: Record<string, unknown>, name: string): string => {
  const v = form[name];
  return typeof v === "string" ? v.trim() : "";
};
