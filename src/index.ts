// Worker entry: the HTTP app, the queue consumers and the scheduled re-drive. Wiring only.
import { app } from "./app.ts";
import type { Bindings } from "./env.ts";
import { redriveStale } from "./events/redrive.ts";
import { CONVERSATION_QUEUE, DEAD_LETTER_QUEUE } from "./queues.ts";
import { consumeConversationBatch } from "./sync/consumer.ts";
import { consumeDeadLetters } from "./sync/dead-letters.ts";
import { log } from "./log.ts";

export default {
  fetch: app.fetch,

  async queue(batch, env) {
    if (batch.queue === DEAD_LETTER_QUEUE) return consumeDeadLetters(batch, env);
    if (batch.queue === CONVERSATION_QUEUE) return consumeConversationBatch(batch, env);
    log.error("queue.unknown", { queue: batch.queue });
    batch.retryAll();
  },

  async scheduled(controller, env, ctx) {
    ctx.waitUntil(redriveStale(env, new Date(controller.scheduledTime)));
  },
} satisfies ExportedHandler<Bindings, unknown>;
