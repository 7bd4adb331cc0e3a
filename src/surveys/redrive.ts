// The scheduled upkeep of surveys: SMS whose queue message was lost are queued again,
// sessions past their expiry end (their answers go to Salesforce), writes left pending
// are queued again, and after the retention period a session keeps its answers but
// loses its number and personal variables.
import type { Bindings } from "../env.ts";
import { log } from "../log.ts";
import { enqueueAll } from "../queues.ts";
import { stalledGroups } from "./outbox.ts";
import type { SurveyMessage } from "./queue.ts";
import { everyDb } from "../tenants/placement.ts";

export const STALLED_AFTER_MS = 2 * 60_000;
const PENDING_WRITE_AFTER_MS = 15 * 60_000;
/** Sent SMS rows are kept this long (the notice cap counts a day), then only their sessions remain. */
const OUTBOX_KEPT_MS = 2 * 86_400_000;

export async function surveyUpkeep(env: Bindings, now: Date): Promise<void> {
  await Promise.all(everyDb(env).map((db) => upkeepIn(env, db, now)));
}

async function upkeepIn(env: Bindings, db: D1Database, now: Date): Promise<void> {
  const at = now.toISOString();
  const stalled = await stalledGroups(db, new Date(now.getTime() - STALLED_AFTER_MS));

  const { results: expired } = await db
    .prepare(
      `UPDATE survey_sessions SET status = 'expired', ended_at = ?1, step = id || ':expired', updated_at = ?1,
         sf_status = CASE WHEN EXISTS (SELECT 1 FROM survey_answers a WHERE a.session_id = survey_sessions.id) THEN 'pending' ELSE sf_status END
       WHERE status = 'active' AND expires_at <= ?1 RETURNING id, tenant_id, sf_status`,
    )
    .bind(at)
    .all<{ id: string; tenant_id: string; sf_status: string }>();
  const { results: pending } = await db
    .prepare(`SELECT id, tenant_id FROM survey_sessions WHERE sf_status = 'pending' AND updated_at < ?1 LIMIT 500`)
    .bind(new Date(now.getTime() - PENDING_WRITE_AFTER_MS).toISOString())
    .all<{ id: string; tenant_id: string }>();

  const messages: SurveyMessage[] = [
    ...stalled.map((r) => ({ kind: "sms" as const, tenantId: r.tenant_id, outboxId: r.id })),
    ...[...expired.filter((r) => r.sf_status === "pending"), ...pending].map((r) => ({ kind: "write" as const, tenantId: r.tenant_id, sessionId: r.id })),
  ];
  if (stalled.length > 0) {
    await db.prepare(`UPDATE survey_outbox SET updated_at = ?1 WHERE id IN (SELECT value FROM json_each(?2))`).bind(at, JSON.stringify(stalled.map((r) => r.id))).run();
  }
  await enqueueAll(env.SURVEY_QUEUE, messages);

  const purged = await db.batch([
    db.prepare(`UPDATE survey_sessions SET contact = NULL, phone_hash = NULL, updated_at = ?1 WHERE contact IS NOT NULL AND purge_at <= ?1`).bind(at),
    db.prepare(`DELETE FROM survey_outbox WHERE status != 'queued' AND created_at < ?1`).bind(new Date(now.getTime() - OUTBOX_KEPT_MS).toISOString()),
  ]);
  log.info("survey.upkeep", { stalled: stalled.length, expired: expired.length, pendingWrites: pending.length, purged: purged[0]?.meta.changes ?? 0 });
}
