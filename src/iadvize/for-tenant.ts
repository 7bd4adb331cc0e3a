// The iAdvize client of one tenant, with the Worker's shared token store; the clock,
// the sleep and the fetch are parameters, so tests never wait.
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
  clock: { now: () => number; sleep: (ms: number) => Promise<void>; fetch?: typeof fetch } = { now: () => Date.now(), sleep: realSleep },
): IadvizeClient {
  const credentials = tenant.iadvize;
  if (!credentials) {
    throw new UpstreamError("iadvize", "not_configured", "the tenant has no iAdvize API user configured", { retryable: false });
  }
  const retry = { fetch: clock.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init)), sleep: clock.sleep };
  const baseUrl = config.IADVIZE_API_URL;
  const platform: Platform = tenantId.startsWith("sd-") ? "sd" : "ha";
  const deps = { db, keys: config.ENCRYPTION_KEY, now: clock.now, sleep: clock.sleep, login: () => login(retry, baseUrl, credentials) };
  return new IadvizeClient({ baseUrl, platform, retry, token: async (rejected) => (await getToken("iadvize", deps, tenantId, rejected)).token });
}
