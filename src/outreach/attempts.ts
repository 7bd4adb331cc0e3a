// What every capability that asks a platform to act (a callback, a message) does with a
// failed attempt: retry it from its own queue after a growing delay, give up after the
// last one, never repeat one of unknown outcome on a platform that cannot recognise a
// repeat, and name credential or account problems for the admin instead of retrying.
import { backoffMs } from "../lib/backoff.ts";
import type { Backoff } from "../lib/backoff.ts";
import { AUTH_FAILED, MISCONFIGURED } from "./http.ts";
import type { Failure } from "./http.ts";

/** Calls made in all, the first one included, before giving up. */
export const MAX_ATTEMPTS = 5;
/** How long a platform may take to answer; the caller's answer does not wait that long. */
export const PROVIDER_TIMEOUT_MS = 20_000;
/** The wait before each call from the queue: 30 s, doubling, at most an hour. */
export const RETRY_BACKOFF: Backoff = { baseMs: 30_000, capMs: 3_600_000 };

const ADMIN_PROBLEMS = new Set([AUTH_FAILED.code, MISCONFIGURED.code]);

/** Where a failed attempt leaves the request; the statuses are the same in every capability's table. */
export type FailedAttempt = { status: "rejected" | "retrying" | "failed" | "unknown_outcome"; reason: string };

export function afterFailure(failure: Failure, idempotent: boolean, attempts: number): FailedAttempt {
  const exhausted = attempts >= MAX_ATTEMPTS;
  switch (failure.kind) {
    case "refused":
      // Credentials or account settings: named as such in the audit, for the admin to fix.
      return { status: "rejected", reason: ADMIN_PROBLEMS.has(failure.code) ? failure.code : `provider_refused:${failure.code}` };
    case "transient":
      return { status: exhausted ? "failed" : "retrying", reason: failure.code };
    case "ambiguous":
      if (idempotent) return { status: exhausted ? "failed" : "retrying", reason: failure.code };
      return { status: "unknown_outcome", reason: failure.code };
  }
}

/** The delay before queued attempt number `attempt + 1`: 30 s, 60 s, 120 s … up to an hour. */
export function retryDelaySecondsAfter(attempt: number): number {
  return backoffMs(attempt, RETRY_BACKOFF) / 1000;
}
