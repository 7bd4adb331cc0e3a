// Which failures are the tenant's services' rather than a conversation's: a contract
// surprise (hold until fixed) or an outage (pause, then probe). Anything else is the
// conversation's own failure.
import { ContractError } from "../lib/contract-error.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import type { HoldReason } from "./holds.ts";

export interface HoldCause {
  reason: HoldReason;
  paths: readonly string[];
}

/**
 * iAdvize counts as down when it answered no usable HTTP answer (5xx, 429, timeouts,
 * network, a refused login): a GraphQL error inside a 200 is about that conversation.
 * Salesforce counts as down on any transient failure of a whole request.
 */
export function holdCauseOf(err: unknown): HoldCause | undefined {
  if (err instanceof ContractError) return { reason: err.problem, paths: err.paths };
  if (!(err instanceof UpstreamError) || !err.retryable) return undefined;
  if (err.service === "iadvize") return err.code === "graphql_error" || err.code === "conversation_vanished" ? undefined : { reason: "iadvize_unavailable", paths: [] };
  if (err.service === "salesforce") return { reason: err.code === "request_limit_exceeded" ? "salesforce_request_limit" : "salesforce_unavailable", paths: [] };
  return undefined;
}
