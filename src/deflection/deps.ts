// What a deflection needs from the Worker: D1, the clock, fetch, and its queue for later attempts.
import type { Bindings } from "../env.ts";
import type { AttemptDeps } from "./attempt.ts";
import { tenantDb } from "../tenants/placement.ts";

export function attemptDeps(env: Bindings, tenantId: string): AttemptDeps {
  return {
    db: tenantDb(env, tenantId),
    now: () => new Date(),
    fetch: (input, init) => fetch(input, init),
    retryLater: async (deflectionId, delaySeconds) => {
      await env.DEFLECTION_QUEUE.send({ tenantId, deflectionId }, { delaySeconds });
    },
  };
}
