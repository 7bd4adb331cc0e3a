// One call to the call-centre platform and what it leaves in D1: scheduled, refused
// (the number, or for another reason), to retry from the queue, or of unknown outcome
// when a platform that cannot recognise a repeat did not answer in time: better no
// callback than two.
import { log } from "../log.ts";
import { afterFailure, PROVIDER_TIMEOUT_MS, retryDelaySecondsAfter } from "../outreach/attempts.ts";
import type { ProviderDeps, CallbackProvider, CallbackRequest, ProviderResult } from "./providers/types.ts";
import { updateStatement } from "./store.ts";
import type { EscalationStatus } from "./store.ts";

/** Shared with every capability that retries from a queue (outreach/attempts.ts). */
export { MAX_ATTEMPTS, PROVIDER_TIMEOUT_MS, RETRY_BACKOFF } from "../outreach/attempts.ts";

export interface AttemptDeps {
  db: D1Database;
  now: () => Date;
  fetch: typeof fetch;
  token: ProviderDeps["token"];
  /** Queues a later attempt. */
  retryLater: (escalationId: string, delaySeconds: number) => Promise<void>;
  /** Tells the CRM sync that the conversation's escalation changed. */
  conversationChanged: (conversationId: string) => Promise<void>;
  /** Told when a callback is scheduled (a survey may follow); never throws. */
  callbackScheduled?: (escalationId: string) => Promise<void>;
  /** How long the platform may take; PROVIDER_TIMEOUT_MS unless a test says otherwise. */
  providerTimeoutMs?: number;
}

export interface Recorded {
  result: ProviderResult;
  status: EscalationStatus;
  reason: string | null;
  reference: string | null;
}

function outcome(result: ProviderResult, provider: CallbackProvider, attempts: number): Omit<Recorded, "result"> {
  switch (result.kind) {
    case "scheduled":
      return { status: "scheduled", reason: null, reference: result.reference };
    case "number_refused":
      return { status: "rejected", reason: "number_refused", reference: null };
    default:
      return { ...afterFailure(result, provider.idempotent, attempts), reference: null };
  }
}

export async function attempt(
  deps: AttemptDeps,
  provider: CallbackProvider,
  req: CallbackRequest,
  attemptNumber: number,
): Promise<Recorded> {
  let result: ProviderResult;
  try {
    result = await provider.request(req, { fetch: deps.fetch, signal: AbortSignal.timeout(deps.providerTimeoutMs ?? PROVIDER_TIMEOUT_MS), token: deps.token });
  } catch {
    // A token endpoint that failed, or a bug in a provider module: nothing reached the platform's callback API.
    result = { kind: "transient", code: "provider_error" };
  }
  const o = outcome(result, provider, attemptNumber);
  await updateStatement(deps.db, req.escalationId, o.status, { reason: o.reason, providerRef: o.reference, attempt: true }, deps.now()).run();
  log.info("escalation.attempt", { escalationId: req.escalationId, tenantId: req.tenantId, provider: provider.name, outcome: o.status, code: o.reason ?? undefined, attempt: attemptNumber });
  if (o.status === "retrying") await deps.retryLater(req.escalationId, retryDelaySecondsAfter(attemptNumber));
  if (req.conversationId) await deps.conversationChanged(req.conversationId);
  if (o.status === "scheduled") await deps.callbackScheduled?.(req.escalationId);
  return { result, ...o };
}
