// Every preflight check of a tenant, in the order of the checklist, and one run of them.
import type { Config } from "../env.ts";
import type { TenantConfig } from "../tenants/schema.ts";
import { ESCALATION_CHECKS } from "./escalation.ts";
import { IADVIZE_CHECKS } from "./iadvize.ts";
import type { Report, RunOptions } from "./runner.ts";
import { runChecks } from "./runner.ts";
import { SALESFORCE_CHECKS } from "./salesforce.ts";
import type { CheckDefinition } from "./types.ts";

export const ALL_CHECKS: readonly CheckDefinition[] = [...IADVIZE_CHECKS, ...SALESFORCE_CHECKS, ...ESCALATION_CHECKS];

export function runPreflight(
  db: D1Database,
  config: Pick<Config, "IADVIZE_API_URL" | "ENCRYPTION_KEY">,
  tenantId: string,
  tenant: TenantConfig,
  options: RunOptions & { fetch?: typeof fetch; now?: () => Date },
): Promise<Report> {
  return runChecks(
    ALL_CHECKS,
    { db, config, tenantId, tenant, fetch: options.fetch ?? ((input, init) => fetch(input, init)), now: options.now ?? (() => new Date()) },
    options,
  );
}
