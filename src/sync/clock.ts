// What a sync run takes from the outside world besides D1 and the services: the time,
// a way to wait, and (for tests that act mid-run) the fetch the iAdvize client uses.
import { realSleep } from "../lib/retry.ts";

export interface SyncDeps {
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** A burst's sync waiting inside its invocation between two looks at the backlog; absent: it never does. */
  wait?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

export const realDeps = (): SyncDeps => ({ now: () => new Date(), sleep: realSleep, wait: realSleep });

/** The clocks the service clients expect (milliseconds). */
export const clientClock = (deps: SyncDeps) => ({
  now: () => deps.now().getTime(),
  sleep: deps.sleep,
  ...(deps.fetch ? { fetch: deps.fetch } : {}),
});
