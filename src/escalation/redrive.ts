// The scheduled safety net for escalations: one still 'requested' minutes later lost its
// attempt with the invocation that made it. Sent again where the platform recognises
// repeats; otherwise marked of unknown outcome, never called twice. One still 'retrying'
// long after its last attempt lost its queue message: queued again (an attempt claims
// the row first, so a message delivered twice makes one call).
import type { Bindings } from "../env.ts";
import { log } from "../log.ts";
import { enqueueAll } from "../queues.ts";
import { isIdempotent } from "./providers/index.ts";

export const LOST_AFTER_MS = 5 * 60 * 1000;
/** Longer than the longest delay between two queued attempts. */
export const RETRY_LOST_AFTER_MS = 15 * 60 * 1000;

export async function redriveLostEscalations(env: Bindings, now: Date): Promise<number> {
  const { results } = await env.DB.prepare(
    `SELECT id, tenant_id, provider, status FROM escalations
     WHERE (status = 'requested' AND updated_at < ?1) OR (status = 'retrying' AND updated_at < ?2) LIMIT 500`,
  )
    .bind(new Date(now.getTime() - LOST_AFTER_MS).toISOString(), new Date(now.getTime() - RETRY_LOST_AFTER_MS).toISOString())
    .all<{ id: string; tenant_id: string; provider: string; status: string }>();
  if (results.length === 0) return 0;
  const lostMessages = results.filter((r) => r.status === "retrying");
  const lostAttempts = results.filter((r) => r.status === "requested");
  const retry = lostAttempts.filter((r) => isIdempotent(r.provider));
  const unknown = lostAttempts.filter((r) => !isIdempotent(r.provider));
  const at = now.toISOString();
  await env.DB.batch([
    ...retry.map((r) => env.DB.prepare(`UPDATE escalations SET status = 'retrying', reason = 'lost_attempt', updated_at = ?2 WHERE id = ?1 AND status = 'requested'`).bind(r.id, at)),
    ...unknown.map((r) => env.DB.prepare(`UPDATE escalations SET status = 'unknown_outcome', reason = 'lost_attempt', updated_at = ?2 WHERE id = ?1 AND status = 'requested'`).bind(r.id, at)),
    ...lostMessages.map((r) => env.DB.prepare(`UPDATE escalations SET updated_at = ?2 WHERE id = ?1 AND status = 'retrying'`).bind(r.id, at)),
  ]);
  await enqueueAll(env.ESCALATION_QUEUE, [...retry, ...lostMessages].map((r) => ({ tenantId: r.tenant_id, escalationId: r.id })));
  log.warn("escalations.lost", { retried: retry.length, unknown: unknown.length, requeued: lostMessages.length });
  return results.length;
}
