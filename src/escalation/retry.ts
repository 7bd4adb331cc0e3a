// A later attempt, from the queue, for an escalation the platform could not take yet.
import type { Bindings, Config } from "../env.ts";
import { log } from "../log.ts";
import { getTenantConfig } from "../tenants/store.ts";
import { attempt } from "./attempt.ts";
import { attemptDeps } from "./deps.ts";
import type { Language } from "./messages.ts";
import { providerFor } from "./providers/index.ts";
import { claimForRetry, get, openDetails, updateStatement } from "./store.ts";
import { tenantDb } from "../tenants/placement.ts";

export async function retryEscalation(env: Bindings, config: Config, tenantId: string, escalationId: string): Promise<void> {
  const row = await get(tenantDb(env, tenantId), escalationId);
  // Done meanwhile (a late answer was recorded), or not ours: nothing to do, and never a second call.
  if (!row || row.tenant_id !== tenantId || row.status !== "retrying") return;
  const deps = attemptDeps(env, config, tenantId);
  // Claim it: a message delivered twice (or queued again by the cron) makes one call.
  if (!(await claimForRetry(tenantDb(env, tenantId), escalationId, deps.now()))) return;
  const tenant = await getTenantConfig(tenantDb(env, tenantId), config.ENCRYPTION_KEY, tenantId);
  if (!tenant?.escalation) {
    await updateStatement(tenantDb(env, tenantId), escalationId, "failed", { reason: "not_configured" }, deps.now()).run();
    log.warn("escalation.not_configured", { escalationId, tenantId });
    return;
  }
  const details = await openDetails(config.ENCRYPTION_KEY, row);
  await attempt(deps, providerFor(tenant.escalation.provider), {
    escalationId,
    tenantId,
    phone: details.phone,
    extension: details.extension,
    visitorName: details.visitorName,
    reason: details.reason,
    preferredTime: details.preferredTime,
    language: row.language as Language,
    conversationId: row.conversation_id ?? undefined,
  }, row.attempts + 1);
}
