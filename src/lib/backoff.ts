// The one backoff formula: the delay before retry number `step` (1, 2, 3 …) doubles
// from `baseMs` up to `capMs`; `jitter` takes a random part of it (up to half) so that
// many waiters do not come back at the same instant.

export interface Backoff {
  baseMs: number;
  capMs: number;
}

export function backoffMs(step: number, policy: Backoff, jitter?: () => number): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** (Math.max(1, step) - 1));
  return jitter ? Math.round(exp / 2 + (exp / 2) * jitter()) : exp;
}
