// Worker entry: the HTTP app, the queue consumers and the scheduled re-drive. Wiring only.
import { handleFetch } from "./app.ts";
import type { Bindings } from "./env.ts";
import { redriveStale } from "./events/redrive.ts";
import { consumeEscalationBatch, consumeEscalationDeadLetters, ESCALATION_DEAD_LETTER_QUEUE, ESCALATION_QUEUE } from "./escalation/queue.ts";
import { redriveLostEscalations } from "./escalation/redrive.ts";
import { consumeDeflectionBatch, consumeDeflectionDeadLetters, DEFLECTION_DEAD_LETTER_QUEUE, DEFLECTION_QUEUE } from "./deflection/queue.ts";
import { redriveLostDeflections } from "./deflection/redrive.ts";
import { configOf } from "./env.ts";
import { log } from "./log.ts";
import { applyRetention } from "./retention.ts";
import { CONVERSATION_QUEUE, DEAD_LETTER_QUEUE, SYNC_DEAD_LETTER_QUEUE, SYNC_QUEUE } from "./queues.ts";
import { redriveStaleSyncs } from "./sync/redrive-syncs.ts";
import { consumeConversationBatch } from "./sync/consumer.ts";
import { consumeDeadLetters } from "./sync/dead-letters.ts";
import { consumeSyncBatch, consumeSyncDeadLetters } from "./sync/sync-consumer.ts";
import { consumeSurveyBatch, consumeSurveyDeadLetters } from "./surveys/consumer.ts";
import { SURVEY_DEAD_LETTER_QUEUE, SURVEY_QUEUE } from "./surveys/queue.ts";
import { surveyUpkeep } from "./surveys/redrive.ts";
import { BACKFILL_DEAD_LETTER_QUEUE, BACKFILL_QUEUE, consumeBackfillBatch, consumeBackfillDeadLetters, redriveBackfills } from "./backfill/queue.ts";
import { everyDb } from "./tenants/placement.ts";

export default {
  fetch: handleFetch,

  async queue(batch, env) {
    const config = configOf(env);
    if (!config.ok) {
      log.error("config.invalid", { problems: config.problems.join("; ") });
      batch.retryAll({ delaySeconds: 300 });
      return;
    }
    switch (batch.queue) {
      case CONVERSATION_QUEUE:
        return consumeConversationBatch(batch, env);
      case DEAD_LETTER_QUEUE:
        return consumeDeadLetters(batch, env);
      case SYNC_QUEUE:
        return consumeSyncBatch(batch, env, config.config);
      case SYNC_DEAD_LETTER_QUEUE:
        return consumeSyncDeadLetters(batch);
      case ESCALATION_QUEUE:
        return consumeEscalationBatch(batch, env, config.config);
      case ESCALATION_DEAD_LETTER_QUEUE:
        return consumeEscalationDeadLetters(batch, env, config.config);
      case DEFLECTION_QUEUE:
        return consumeDeflectionBatch(batch, env, config.config);
      case DEFLECTION_DEAD_LETTER_QUEUE:
        return consumeDeflectionDeadLetters(batch, env);
      case SURVEY_QUEUE:
        return consumeSurveyBatch(batch, env, config.config);
      case SURVEY_DEAD_LETTER_QUEUE:
        return consumeSurveyDeadLetters(batch, env);
      case BACKFILL_QUEUE:
        return consumeBackfillBatch(batch, env, config.config);
      case BACKFILL_DEAD_LETTER_QUEUE:
        return consumeBackfillDeadLetters(batch);
      default:
        log.error("queue.unknown", { queue: batch.queue });
        batch.retryAll();
    }
  },

  async scheduled(controller, env, ctx) {
    const now = new Date(controller.scheduledTime);
    const config = configOf(env);
    const settings = config.ok ? config.config : { SYNC_GIVE_UP_HOURS: 72, RETENTION_DAYS: 90 };
    ctx.waitUntil(
      Promise.all([
        redriveStale(env, now),
        redriveStaleSyncs(env, now, settings.SYNC_GIVE_UP_HOURS * 3_600_000),
        redriveLostEscalations(env, now),
        redriveLostDeflections(env, now),
        ...everyDb(env).map((db) => applyRetention(db, now, settings.RETENTION_DAYS)),
        surveyUpkeep(env, now),
        redriveBackfills(env, now),
      ]),
    );
  },
} satisfies ExportedHandler<Bindings, unknown>;
