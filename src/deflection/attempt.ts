// One request to the messaging platform and what it leaves in D1: sent (on which channel),
// reachable on no channel, refused, to retry from the queue, or of unknown outcome when a
// platform that cannot recognise a repeat did not answer in time: better no message than two.
import { log } from "../log.ts";
import { afterFailure, PROVIDER_TIMEOUT_MS, retryDelaySecondsAfter } from "../outreach/attempts.ts";
import type { DeflectionStatus } from "./answer.ts";
import type { MessageRequest, MessagingProvider, ProviderResult } from "./providers/types.ts";
import { updateStatement } from "./store.ts";

export interface AttemptDeps {
  db: D1Database;
  now: () => Date;
  fetch: typeof fetch;
  /** Queues a later attempt. */
  retryLater: (deflectionId: string, delaySeconds: number) => Promise<void>;
  /** How long the platform may take; PROVIDER_TIMEOUT_MS unless a test says otherwise. */
  providerTimeoutMs?: number;
}

export interface Recorded {
  status: DeflectionStatus;
  reason: string | null;
  channel: string | null;
  reference: string | null;
}

function outcome(result: ProviderResult, provider: MessagingProvider, attempts: number): Recorded {
  switch (result.kind) {
    case "sent":
      return { status: "sent", reason: null, channel: result.channel, reference: result.reference };
    case "unreachable":
      return { status: "rejected", reason: "unreachable", channel: null, reference: null };
    default:
      return { ...afterFailure(result, provider.idempotent, attempts), channel: null, reference: null };
  }
}

export async function attempt(deps: AttemptDeps, provider: MessagingProvider, req: MessageRequest, attemptNumber: number): Promise<Recorded> {
  let result: ProviderResult;
  try {
    result = await provider.send(req, { fetch: deps.fetch, signal: AbortSignal.timeout(deps.providerTimeoutMs ?? PROVIDER_TIMEOUT_MS) });
  } catch {
    // A bug in a provider module: nothing is known to have reached the platform.
    result = { kind: "transient", code: "provider_error" };
  }
  const o = outcome(result, provider, attemptNumber);
  await updateStatement(deps.db, req.deflectionId, o.status, { reason: o.reason, channel: o.channel, providerRef: o.reference, attempt: true }, deps.now()).run();
  log.info("deflection.attempt", { deflectionId: req.deflectionId, tenantId: req.tenantId, provider: provider.name, outcome: o.status, channel: o.channel ?? undefined, code: o.reason ?? undefined, attempt: attemptNumber });
  if (o.status === "retrying") await deps.retryLater(req.deflectionId, retryDelaySecondsAfter(attemptNumber));
  return o;
}
