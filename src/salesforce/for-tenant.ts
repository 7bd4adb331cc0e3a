// The Salesforce API of one tenant, with the Worker's shared token store.
import type { Config } from "../env.ts";
import { realSleep } from "../lib/retry.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import { SalesforceApi } from "./api.ts";
import { salesforceLogin } from "./auth.ts";
import type { SalesforceConfig } from "./config.ts";

export function salesforceApiFor(db: D1Database, config: Pick<Config, "ENCRYPTION_KEY">, tenantId: string, tenant: { salesforce?: SalesforceConfig | undefined }): SalesforceApi {
  const settings = tenant.salesforce;
  if (!settings) throw new UpstreamError("salesforce", "not_configured", "the tenant has no Salesforce connection configured", { retryable: false });
  const retry = { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init), sleep: realSleep };
  return new SalesforceApi(tenantId, {
    db,
    keys: config.ENCRYPTION_KEY,
    now: () => Date.now(),
    sleep: realSleep,
    login: () => salesforceLogin(retry, settings, Date.now()),
  });
}
