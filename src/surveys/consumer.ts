// The survey queue's consumer: sends one SMS and queues the next of its group two
// seconds later (the queue's delay, never a sleep), writes results to Salesforce per
// tenant, and starts the surveys the connector triggers itself. Its dead letters mark
// what could not be done.
import type { Bindings, Config } from "../env.ts";
import { errorFields, log } from "../log.ts";
import { retryDelaySeconds } from "../queues.ts";
import type { TenantConfig } from "../tenants/schema.ts";
import { getTenantConfig } from "../tenants/store.ts";
import { endSessionsStatement, optOutStatement } from "./optouts.ts";
import type { OutboxRow } from "./outbox.ts";
import { attemptStatement, failedGroupStatement, nextInGroup, openPayload, outboxRow, sentStatement } from "./outbox.ts";
import { smsProviderFor } from "./providers/index.ts";
import { SMS_SPACING_SECONDS, SurveyMessage } from "./queue.ts";
import { startTriggered } from "./triggers.ts";
import { writeResults } from "./write.ts";
import { tenantDb } from "../tenants/placement.ts";

export const SMS_TIMEOUT_MS = 10_000;

export interface ConsumerDeps {
  now: () => Date;
  fetch: typeof fetch;
}

const realDeps: ConsumerDeps = { now: () => new Date(), fetch: (input, init) => fetch(input, init) };

type SendOutcome = { kind: "done" } | { kind: "retry" };

async function sendOne(env: Bindings, config: Config, deps: ConsumerDeps, tenant: TenantConfig | null, row: OutboxRow): Promise<SendOutcome> {
  const db = tenantDb(env, row.tenant_id);
  const now = deps.now();
  const fail = async (code: string) => {
    const statements = [failedGroupStatement(db, row, code, now)];
    if (row.session_id) {
      statements.push(
        db.prepare(`UPDATE survey_sessions SET status = 'failed', ended_at = ?2, step = id || ':failed', updated_at = ?2 WHERE id = ?1 AND status = 'active'`).bind(row.session_id, now.toISOString()),
      );
    }
    await db.batch(statements);
  };
  const settings = tenant?.surveys;
  const payload = await openPayload(config.ENCRYPTION_KEY, row);
  if (!settings || !payload) {
    await fail("not_configured");
    return { kind: "done" };
  }
  const result = await smsProviderFor(settings.provider).send(
    { id: row.id, sessionId: row.session_id, to: payload.to, text: payload.text },
    { fetch: deps.fetch, signal: AbortSignal.timeout(SMS_TIMEOUT_MS) },
  );
  log.info("survey.sms", { tenantId: row.tenant_id, outboxId: row.id, kind: row.kind, outcome: result.kind, code: "code" in result ? result.code : undefined });
  switch (result.kind) {
    case "sent": {
      await sentStatement(db, row.id, result.reference, now).run();
      const next = await nextInGroup(db, row);
      if (next) await env.SURVEY_QUEUE.send({ kind: "sms", tenantId: row.tenant_id, outboxId: next }, { delaySeconds: SMS_SPACING_SECONDS });
      return { kind: "done" };
    }
    case "opted_out":
      await db.batch([failedGroupStatement(db, row, result.code, now), optOutStatement(db, row.tenant_id, row.phone_hash, "provider", now), endSessionsStatement(db, row.tenant_id, row.phone_hash, now)]);
      return { kind: "done" };
    case "number_refused":
    case "refused":
      await fail(result.code);
      return { kind: "done" };
    case "transient":
      await attemptStatement(db, row.id, result.code, now).run();
      return { kind: "retry" };
  }
}

export async function consumeSurveyBatch(batch: MessageBatch<unknown>, env: Bindings, config: Config, deps: ConsumerDeps = realDeps): Promise<void> {
  const tenants = new Map<string, Promise<TenantConfig | null>>();
  const tenantOf = (id: string) => {
    let t = tenants.get(id);
    if (!t) {
      t = getTenantConfig(tenantDb(env, id), config.ENCRYPTION_KEY, id);
      tenants.set(id, t);
    }
    return t;
  };
  const writes = new Map<string, Message<unknown>[]>();
  const writeIds = new Map<string, string[]>();
  for (const message of batch.messages) {
    const parsed = SurveyMessage.safeParse(message.body);
    if (!parsed.success) {
      log.error("queue.malformed_message", { queue: batch.queue, messageId: message.id });
      message.ack();
      continue;
    }
    const m = parsed.data;
    if (m.kind === "write") {
      writes.set(m.tenantId, [...(writes.get(m.tenantId) ?? []), message]);
      writeIds.set(m.tenantId, [...(writeIds.get(m.tenantId) ?? []), m.sessionId]);
      continue;
    }
    try {
      if (m.kind === "sms") {
        const row = await outboxRow(tenantDb(env, m.tenantId), m.outboxId);
        // Sent already (a redelivered message), or failed with its group: nothing to do.
        const outcome = row && row.status === "queued" ? await sendOne(env, config, deps, await tenantOf(row.tenant_id), row) : { kind: "done" };
        if (outcome.kind === "retry") message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
        else message.ack();
      } else {
        const answer = await startTriggered(tenantDb(env, m.tenantId), config, env.SURVEY_QUEUE, m, deps.now());
        log.info("survey.triggered", { tenantId: m.tenantId, trigger: m.kind, status: answer.status, reason: "reason" in answer ? answer.reason : undefined });
        message.ack();
      }
    } catch (err) {
      log.warn("queue.survey_failed", { kind: m.kind, tenantId: m.tenantId, ...errorFields(err) });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
  for (const [tenantId, messages] of writes) {
    try {
      const result = await writeResults(tenantDb(env, tenantId), config, tenantId, writeIds.get(tenantId) ?? [], deps.now);
      for (const m of messages) {
        if (result.kind === "retry") m.retry({ delaySeconds: result.delaySeconds });
        else m.ack();
      }
    } catch (err) {
      log.warn("queue.survey_write_failed", { tenantId, ...errorFields(err) });
      for (const m of messages) m.retry({ delaySeconds: retryDelaySeconds(m.attempts) });
    }
  }
}

/** After the last retry: an SMS not sent ends its group (and its session); a write not made is failed, kept in D1. */
export async function consumeSurveyDeadLetters(batch: MessageBatch<unknown>, env: Bindings, now: () => Date = () => new Date()): Promise<void> {
  for (const message of batch.messages) {
    const parsed = SurveyMessage.safeParse(message.body);
    if (parsed.success) {
      const m = parsed.data;
      const db = tenantDb(env, m.tenantId);
      try {
        if (m.kind === "sms") {
          const row = await outboxRow(db, m.outboxId);
          if (row?.status === "queued") {
            await db.batch([
              failedGroupStatement(db, row, "retries_exhausted", now()),
              db.prepare(`UPDATE survey_sessions SET status = 'failed', ended_at = ?2, step = id || ':failed', updated_at = ?2 WHERE id = ?1 AND status = 'active'`).bind(row.session_id, now().toISOString()),
            ]);
          }
        } else if (m.kind === "write") {
          await db.prepare(`UPDATE survey_sessions SET sf_status = 'failed', sf_error = coalesce(sf_error, 'retries_exhausted'), updated_at = ?2 WHERE id = ?1 AND sf_status = 'pending'`).bind(m.sessionId, now().toISOString()).run();
        }
        log.warn("survey.dead_letter", { kind: m.kind, tenantId: m.tenantId });
      } catch (err) {
        log.error("survey.dead_letter_failed", { kind: m.kind, ...errorFields(err) });
        message.retry();
        continue;
      }
    }
    message.ack();
  }
}
