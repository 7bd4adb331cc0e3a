// A later attempt, from the queue, for a deflection the platform could not take yet.
import type { Bindings, Config } from "../env.ts";
import { log } from "../log.ts";
import { getTenantConfig } from "../tenants/store.ts";
import { attempt } from "./attempt.ts";
import { attemptDeps } from "./deps.ts";
import type { Language } from "./prompts.ts";
import { providerFor } from "./providers/index.ts";
import { messageRequest } from "./request.ts";
import { claimForRetry, get, openDetails, updateStatement } from "./store.ts";
import { tenantDb } from "../tenants/placement.ts";

export async function retryDeflection(env: Bindings, config: Config, tenantId: string, deflectionId: string): Promise<void> {
  const row = await get(tenantDb(env, tenantId), deflectionId);
  // Done meanwhile (a late answer was recorded), or not ours: nothing to do, and never a second message.
  if (!row || row.tenant_id !== tenantId || row.status !== "retrying") return;
  const deps = attemptDeps(env, tenantId);
  // Claim it: a message delivered twice (or queued again by the cron) sends once.
  if (!(await claimForRetry(tenantDb(env, tenantId), deflectionId, deps.now()))) return;
  const settings = (await getTenantConfig(tenantDb(env, tenantId), config.ENCRYPTION_KEY, tenantId))?.deflection;
  if (!settings) {
    await updateStatement(tenantDb(env, tenantId), deflectionId, "failed", { reason: "not_configured" }, deps.now()).run();
    log.warn("deflection.not_configured", { deflectionId, tenantId });
    return;
  }
  const details = await openDetails(config.ENCRYPTION_KEY, row);
  await attempt(deps, providerFor(settings.provider), messageRequest(deflectionId, tenantId, row.mode, row.language as Language, details, settings), row.attempts + 1);
}
