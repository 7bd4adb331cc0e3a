// Deflection's own queue: later attempts at a message the platform could not take yet,
// each on its own (a slow platform delays nothing else), and its dead letters, where an
// attempt that kept failing is recorded as failed. Only this folder writes the deflections table.
import * as z from "zod";
import type { Bindings, Config } from "../env.ts";
import { errorFields, log } from "../log.ts";
import { retryDelaySeconds } from "../queues.ts";
import { retryDeflection } from "./retry.ts";
import { failExhausted } from "./store.ts";
import { tenantDb } from "../tenants/placement.ts";

/** Queue names as wrangler.toml declares them. */
export const DEFLECTION_QUEUE = "deflection-work";
export const DEFLECTION_DEAD_LETTER_QUEUE = "deflection-work-dlq";

export const DeflectionMessage = z.object({ tenantId: z.string().min(1), deflectionId: z.string().min(1) });
export type DeflectionMessage = z.infer<typeof DeflectionMessage>;

export async function consumeDeflectionBatch(batch: MessageBatch<unknown>, env: Bindings, config: Config): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      const body = DeflectionMessage.safeParse(message.body);
      if (!body.success) {
        log.error("queue.malformed_message", { queue: batch.queue, messageId: message.id });
        message.ack();
        return;
      }
      try {
        await retryDeflection(env, config, body.data.tenantId, body.data.deflectionId);
        message.ack();
      } catch (err) {
        log.warn("queue.deflection_failed", { deflectionId: body.data.deflectionId, ...errorFields(err) });
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      }
    }),
  );
}

/** A deflection whose queued attempts kept failing: failed for good. */
export async function consumeDeflectionDeadLetters(batch: MessageBatch<unknown>, env: Bindings, now = new Date()): Promise<void> {
  for (const message of batch.messages) {
    const body = DeflectionMessage.safeParse(message.body);
    if (!body.success) {
      log.error("dlq.malformed_message", { queue: batch.queue, messageId: message.id });
      continue;
    }
    await failExhausted(tenantDb(env, body.data.tenantId), body.data.deflectionId, now);
    log.error("deflection.dead", { deflectionId: body.data.deflectionId, tenantId: body.data.tenantId });
  }
  batch.ackAll();
}
