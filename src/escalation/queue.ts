// Escalation's own queue: later attempts at a callback the platform could not take yet,
// each message on its own (a slow platform delays nothing else), and its dead letters,
// where an attempt that kept failing is recorded as failed. Only this folder writes
// the escalations table.
import * as z from "zod";
import type { Bindings, Config } from "../env.ts";
import { errorFields, log } from "../log.ts";
import { retryDelaySeconds } from "../queues.ts";
import { attemptDeps } from "./deps.ts";
import { retryEscalation } from "./retry.ts";
import { failExhausted } from "./store.ts";
import { tenantDb } from "../tenants/placement.ts";

/** Queue names as wrangler.toml declares them. */
export const ESCALATION_QUEUE = "escalation-work";
export const ESCALATION_DEAD_LETTER_QUEUE = "escalation-work-dlq";

export const EscalationMessage = z.object({ tenantId: z.string().min(1), escalationId: z.string().min(1) });
export type EscalationMessage = z.infer<typeof EscalationMessage>;

export async function consumeEscalationBatch(batch: MessageBatch<unknown>, env: Bindings, config: Config): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      const body = EscalationMessage.safeParse(message.body);
      if (!body.success) {
        log.error("queue.malformed_message", { queue: batch.queue, messageId: message.id });
        message.ack();
        return;
      }
      try {
        await retryEscalation(env, config, body.data.tenantId, body.data.escalationId);
        message.ack();
      } catch (err) {
        log.warn("queue.escalation_failed", { escalationId: body.data.escalationId, ...errorFields(err) });
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      }
    }),
  );
}

/** An escalation whose queued attempts kept failing: failed for good, and the CRM told. */
export async function consumeEscalationDeadLetters(batch: MessageBatch<unknown>, env: Bindings, config: Config, now = new Date()): Promise<void> {
  for (const message of batch.messages) {
    const body = EscalationMessage.safeParse(message.body);
    if (!body.success) {
      log.error("dlq.malformed_message", { queue: batch.queue, messageId: message.id });
      continue;
    }
    const { tenantId, escalationId } = body.data;
    const row = await failExhausted(tenantDb(env, tenantId), escalationId, now);
    log.error("escalation.dead", { escalationId, tenantId });
    if (row?.conversation_id) await attemptDeps(env, config, tenantId).conversationChanged(row.conversation_id);
  }
  batch.ackAll();
}
