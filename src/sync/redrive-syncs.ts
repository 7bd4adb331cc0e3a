// The scheduled safety net for syncs: tenants whose conversations wait for longer than
// a run takes (their sync message was lost, or a run died) get a new sync message.
import type { Bindings } from "../env.ts";
import { tenantsWithStalePending } from "../conversations/sync-store.ts";
import { log } from "../log.ts";
import { enqueueAll } from "../queues.ts";

export const SYNC_STALE_AFTER_MS = 15 * 60 * 1000;

export async function redriveStaleSyncs(env: Bindings, now: Date): Promise<number> {
  const tenants = await tenantsWithStalePending(env.DB, new Date(now.getTime() - SYNC_STALE_AFTER_MS));
  if (tenants.length === 0) return 0;
  await enqueueAll(env.SYNC_QUEUE, tenants.map((tenantId) => ({ tenantId })));
  log.warn("sync.redriven", { tenants: tenants.length });
  return tenants.length;
}
