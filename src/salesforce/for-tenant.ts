// The Salesforce API of one tenant, with the Worker's shared token store; the clock
// and the sleep are parameters, so tests never wait.
import type { Config } from "../env.ts";
import { realSleep } from "../lib/retry.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import { SalesforceApi } from "./api.ts";
import { salesforceLogin } from "./auth.ts";
import type { SalesforceConfig } from "./config.ts";

export function salesforceApiFor(
  db: D1Database,
  config: Pick<Config, "ENCRYPTION_KEY">,
  tenantId: string,
  tenant: { salesforce?: SalesforceConfig | undefined },
  clock: { now: () => number; sleep: (ms: number) => Promise<void> } = { now: () => Date.now(), sleep: realSleep },
): SalesforceApi {
  const settings = tenant.salesforce;
  if (!settings) throw new UpstreamError("salesforce", "not_configured", "the tenant has no Salesforce connection configured", { retryable: false });
  const retry = { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init), sleep: clock.sleep };
  return new SalesforceApi(tenantId, {
    db,
    keys: config.ENCRYPTION_KEY,
    now: clock.now,
    sleep: clock.sleep,
    // A JWT assertion is judged by Salesforce's clock: it is signed with the real time.
    login: () => salesforceLogin(retry, settings, Date.now()),
  });
}
