// The scheduled safety net for escalations: one still 'requested' minutes later lost its
// attempt with the invocation that made it. Sent again where the platform recognises
// repeats; otherwise marked of unknown outcome, never called twice.
import type { Bindings } from "../env.ts";
import { log } from "../log.ts";
import { enqueueAll } from "../queues.ts";
import { isIdempotent } from "./providers/index.ts";

export const LOST_AFTER_MS = 5 * 60 * 1000;

export async function redriveLostEscalations(env: Bindings, now: Date): Promise<number> {
  const { results } = await env.DB.prepare(`SELECT id, tenant_id, provider FROM escalations WHERE status = 'requested' AND updated_at < ?1 LIMIT 500`)
    .bind(new Date(now.getTime() - LOST_AFTER_MS).toISOString())
    .all<{ id: string; tenant_id: string; provider: string }>();
  if (results.length === 0) return 0;
  const retry = results.filter((r) => isIdempotent(r.provider));
  const unknown = results.filter((r) => !isIdempotent(r.provider));
  const at = now.toISOString();
  await env.DB.batch([
    ...retry.map((r) => env.DB.prepare(`UPDATE escalations SET status = 'retrying', reason = 'lost_attempt', updated_at = ?2 WHERE id = ?1 AND status = 'requested'`).bind(r.id, at)),
    ...unknown.map((r) => env.DB.prepare(`UPDATE escalations SET status = 'unknown_outcome', reason = 'lost_attempt', updated_at = ?2 WHERE id = ?1 AND status = 'requested'`).bind(r.id, at)),
  ]);
  await enqueueAll(env.CONVERSATION_QUEUE, retry.map((r) => ({ kind: "escalation" as const, tenantId: r.tenant_id, escalationId: r.id })));
  log.warn("escalations.lost", { retried: retry.length, unknown: unknown.length });
  return results.length;
}
