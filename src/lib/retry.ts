// HTTP calls with a timeout and retries, with exponential backoff and jitter, on what
// is worth retrying: network errors, timeouts, 5xx and 429. The clock and the random
// source are parameters, so tests never sleep.
import { backoffMs } from "./backoff.ts";

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  /** Which answers are worth another try now (5xx and 429 unless a caller says otherwise). */
  retryStatus?: (status: number) => boolean;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 250, maxDelayMs: 4000, timeoutMs: 10_000 };

export interface RetryDeps {
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Delay before attempt `attempt + 1`: the one backoff formula, with half of it random. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return backoffMs(attempt, { baseMs: policy.baseDelayMs, capMs: policy.maxDelayMs }, random);
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Seconds of a Retry-After header, when it is a number. */
function retryAfterMs(res: Response): number | undefined {
  const value = Number(res.headers.get("retry-after"));
  return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
}

export type RetryOutcome = { ok: true; response: Response; attempts: number } | { ok: false; reason: "network" | "timeout"; attempts: number };

/**
 * The last response (retryable or not) once attempts run out, or the reason no
 * response came. The request body must be a string or absent, so it can be sent again.
 */
export async function fetchWithRetry(
  deps: RetryDeps,
  url: string,
  init: RequestInit & { body?: string | null },
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<RetryOutcome> {
  let reason: "network" | "timeout" = "network";
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= policy.attempts;
    try {
      const response = await deps.fetch(url, { ...init, signal: AbortSignal.timeout(policy.timeoutMs) });
      if (!(policy.retryStatus ?? isRetryableStatus)(response.status) || last) return { ok: true, response, attempts: attempt };
      await response.body?.cancel();
      const delay = Math.min(policy.maxDelayMs, retryAfterMs(response) ?? backoffDelay(attempt, policy, deps.random));
      await deps.sleep(delay);
    } catch (err) {
      reason = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError") ? "timeout" : "network";
      if (last) return { ok: false, reason, attempts: attempt };
      await deps.sleep(backoffDelay(attempt, policy, deps.random));
    }
  }
}
