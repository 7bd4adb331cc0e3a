// One preflight of a stored tenant, as the admin route and the setup console run it: the
// checklist, and the tenant's sync queued when a passing check released its contract hold.
import type { Bindings, Config } from "../env.ts";
import { log } from "../log.ts";
import type { TenantConfig } from "../tenants/schema.ts";
import { runPreflight } from "./checks.ts";
import type { Report } from "./runner.ts";
import { realTimer } from "./runner.ts";
import { tenantDb } from "../tenants/placement.ts";

export const DEFAULT_CHECK_TIMEOUT_MS = 8000;

export async function preflightTenant(env: Bindings, config: Config, tenantId: string, tenant: TenantConfig, timeoutMs = DEFAULT_CHECK_TIMEOUT_MS): Promise<Report> {
  const report = await runPreflight(tenantDb(env, tenantId), config, tenantId, tenant, { timeoutMs, timer: realTimer });
  // A contract hold just released: what waited can sync now.
  if (report.checks.some((check) => check.code === "hold_released")) await env.SYNC_QUEUE.send({ tenantId });
  log.info("preflight.run", { tenantId, ok: report.ok, failed: report.checks.filter((x) => x.status === "failed").length, warnings: report.checks.filter((x) => x.status === "warning").length });
  return report;
}
