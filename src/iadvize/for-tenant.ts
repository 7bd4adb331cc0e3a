// The iAdvize client of one tenant, with the Worker's shared token store.
import type { Config } from "../env.ts";
import { realSleep } from "../lib/retry.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import type { TenantConfig } from "../tenants/schema.ts";
import type { Platform } from "../webhooks/events.ts";
import { IadvizeClient } from "./client.ts";
import { login } from "./login.ts";
import { getToken } from "../lib/token-cache.ts";

export function iadvizeClientFor(
  db: D1Database,
  config: Pick<Config, "IADVIZE_API_URL" | "ENCRYPTION_KEY">,
  tenantId: string,
  tenant: TenantConfig,
): IadvizeClient {
  const retry = { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init), sleep: realSleep };
  const platform: Platform = tenantId.startsWith("sd-") ? "sd" : "ha";
  return new IadvizeClient({ baseUrl: config.IADVIZE_API_URL, platform, retry, token: iadvizeTokenFor(db, config, tenantId, tenant) });
}

/** The tenant's iAdvize token from the shared cache (one login per tenant at a time); `rejected` names one just refused. */
export function iadvizeTokenFor(
  db: D1Database,
  config: Pick<Config, "IADVIZE_API_URL" | "ENCRYPTION_KEY">,
  tenantId: string,
  tenant: TenantConfig,
): (rejected?: string) => Promise<string> {
  const credentials = tenant.iadvize;
  if (!credentials) {
    throw new UpstreamError("iadvize", "not_configured", "the tenant has no iAdvize API user configured", { retryable: false });
  }
  const retry = { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init), sleep: realSleep };
  const baseUrl = config.IADVIZE_API_URL;
  const deps = { db, keys: config.ENCRYPTION_KEY, now: () => Date.now(), sleep: realSleep, login: () => login(retry, baseUrl, credentials) };
  return async (rejected) => (await getToken("iadvize", deps, tenantId, rejected)).token;
}
