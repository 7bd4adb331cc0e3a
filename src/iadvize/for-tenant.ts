// The iAdvize client of one tenant, with the Worker's shared token store; the clock,
// the sleep and the fetch are parameters, so tests never wait.
import type { Config } from "../env.ts";
import { realSleep } from "../lib/retry.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import type { Platform } from "../events/schema.ts";
import { IadvizeClient } from "./client.ts";
import type { IadvizeConfig } from "./config.ts";
import { login } from "./login.ts";
import { getToken } from "../secrets/token-cache.ts";

export function iadvizeClientFor(
  db: D1Database,
  config: Pick<Config, "IADVIZE_API_URL" | "ENCRYPTION_KEY">,
  tenantId: string,
  tenant: { iadvize?: IadvizeConfig | undefined },
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

/** The tenant's token from the same shared cache, for a request the client does not make (the preflight's). */
export function iadvizeTokenFor(
  db: D1Database,
  config: Pick<Config, "IADVIZE_API_URL" | "ENCRYPTION_KEY">,
  tenantId: string,
  tenant: { iadvize?: IadvizeConfig | undefined },
): (rejected?: string) => Promise<string> {
  const credentials = tenant.iadvize;
  if (!credentials) {
    throw new UpstreamError("iadvize", "not_configured", "the tenant has no iAdvize API user configured", { retryable: false });
  }
  const retry = { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init), sleep: realSleep };
  const deps = { db, keys: config.ENCRYPTION_KEY, now: () => Date.now(), sleep: realSleep, login: () => login(retry, config.IADVIZE_API_URL, credentials) };
  return async (rejected) => (await getToken("iadvize", deps, tenantId, rejected)).token;
}
