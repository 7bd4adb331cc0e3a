// What an escalation needs from the Worker: D1, the keys, fetch, the shared token cache
// for the platforms' OAuth, the queue for later attempts, and the CRM sync to tell.
import { markPendingStatement } from "../conversations/sync-store.ts";
import type { Bindings, Config } from "../env.ts";
import { realSleep } from "../lib/retry.ts";
import { getToken } from "../secrets/token-cache.ts";
import { surveyAfterCallback } from "../surveys/triggers.ts";
import type { AttemptDeps } from "./attempt.ts";
import { tenantDb } from "../tenants/placement.ts";

export function attemptDeps(env: Bindings, config: Config, tenantId: string): AttemptDeps {
  const now = () => new Date();
  return {
    db: tenantDb(env, tenantId),
    now,
    fetch: (input, init) => fetch(input, init),
    token: async (login, rejected) =>
      (
        await getToken(
          "callcentre",
          {
            db: tenantDb(env, tenantId),
            keys: config.ENCRYPTION_KEY,
            now: () => Date.now(),
            sleep: realSleep,
            login: async () => ({ value: null, ...(await login()) }),
          },
          tenantId,
          rejected,
        )
      ).token,
    retryLater: async (escalationId, delaySeconds) => {
      await env.ESCALATION_QUEUE.send({ tenantId, escalationId }, { delaySeconds });
    },
    conversationChanged: async (conversationId) => {
      const changed = await markPendingStatement(tenantDb(env, tenantId), tenantId, conversationId, now()).run();
      if (changed.meta.changes > 0) await env.SYNC_QUEUE.send({ tenantId });
    },
    callbackScheduled: (escalationId) => surveyAfterCallback(tenantDb(env, tenantId), env.SURVEY_QUEUE, tenantId, escalationId),
  };
}
