// The CRM sync queue's consumer: one message names a tenant with conversations to
// sync. Messages of a batch are grouped by tenant, so a burst costs one run per tenant.
// A transient failure retries the messages with backoff (then the dead-letter queue);
// a used-up API allowance waits an hour without spending a retry.
import type { Bindings, Config } from "../env.ts";
import { SyncMessage } from "../queues.ts";
import { errorFields, log } from "../log.ts";
import { retryDelaySeconds } from "../queues.ts";
import { syncTenant } from "./crm-sync.ts";

export async function consumeSyncBatch(batch: MessageBatch<unknown>, env: Bindings, config: Config): Promise<void> {
  const byTenant = new Map<string, Message<unknown>[]>();
  for (const message of batch.messages) {
    const body = SyncMessage.safeParse(message.body);
    if (!body.success) {
      log.error("sync.malformed_message", { messageId: message.id });
      message.ack();
      continue;
    }
    byTenant.set(body.data.tenantId, [...(byTenant.get(body.data.tenantId) ?? []), message]);
  }
  for (const [tenantId, messages] of byTenant) {
    const attempts = Math.max(...messages.map((m) => m.attempts));
    try {
      const result = await syncTenant(env.DB, config, tenantId);
      if (result.kind === "retry" && result.delaySeconds !== undefined) {
        await env.SYNC_QUEUE.send({ tenantId }, { delaySeconds: result.delaySeconds });
        for (const m of messages) m.ack();
      } else if (result.kind === "retry" || (result.kind === "done" && result.retrying > 0)) {
        for (const m of messages) m.retry({ delaySeconds: retryDelaySeconds(attempts) });
      } else {
        if (result.kind === "done" && result.more) await env.SYNC_QUEUE.send({ tenantId });
        for (const m of messages) m.ack();
      }
    } catch (err) {
      log.error("sync.run_failed", { tenantId, ...errorFields(err) });
      for (const m of messages) m.retry({ delaySeconds: retryDelaySeconds(attempts) });
    }
  }
}

/** The sync dead-letter queue: the tenant's conversations still waiting are marked failed, with their last error. */
export async function consumeSyncDeadLetters(batch: MessageBatch<unknown>, env: Bindings, now = new Date()): Promise<void> {
  const tenants = new Set<string>();
  for (const message of batch.messages) {
    const body = SyncMessage.safeParse(message.body);
    if (body.success) tenants.add(body.data.tenantId);
  }
  for (const tenantId of tenants) {
    await env.DB.prepare(
      `UPDATE conversations SET sync_status = 'failed', sync_lease_until = NULL,
         sync_error = json_object('code', 'retries_exhausted', 'last', json(coalesce(sync_error, 'null'))), updated_at = ?2
       WHERE tenant_id = ?1 AND sync_status IN ('pending', 'syncing')`,
    )
      .bind(tenantId, now.toISOString())
      .run();
    log.error("sync.dead", { tenantId });
  }
  batch.ackAll();
}
