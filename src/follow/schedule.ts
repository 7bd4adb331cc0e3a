// When to read a followed conversation again: soon after it starts or shows activity,
// then less and less often while it stays idle, and never after 7 idle days (offsite
// conversations close by themselves then). Pure: times in, a decision out.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** How long to wait before the next read, by how long the conversation has been idle. */
export const POLL_STEPS: readonly { idleUnder: number; every: number }[] = [
  { idleUnder: 2 * MINUTE, every: 30 * SECOND },
  { idleUnder: 5 * MINUTE, every: MINUTE },
  { idleUnder: 15 * MINUTE, every: 2 * MINUTE },
  { idleUnder: HOUR, every: 5 * MINUTE },
  { idleUnder: 6 * HOUR, every: 15 * MINUTE },
  { idleUnder: 24 * HOUR, every: HOUR },
];
/** The interval once idle for a day or more (offsite conversations may wait days for the visitor). */
export const POLL_CAP_MS = 3 * HOUR;
/** iAdvize closes an offsite conversation after 7 idle days: nothing is read after that. */
export const IDLE_STOP_MS = 7 * 24 * HOUR;
/** The first read after a push. */
export const FIRST_POLL_MS = POLL_STEPS[0]?.every ?? 30 * SECOND;

export type PollDecision = { kind: "poll"; at: number } | { kind: "stop" };

export function nextPoll(lastActivity: number, now: number): PollDecision {
  const idle = Math.max(0, now - lastActivity);
  if (idle >= IDLE_STOP_MS) return { kind: "stop" };
  const every = POLL_STEPS.find((s) => idle < s.idleUnder)?.every ?? POLL_CAP_MS;
  // The last read is the one at the end of the 7 idle days, which then stops.
  return { kind: "poll", at: Math.min(now + every, lastActivity + IDLE_STOP_MS) };
}

/** How many reads a conversation costs when it stays idle for `durationMs` after its push. */
export function readsWhileIdle(durationMs: number): number {
  let reads = 0;
  let t = 0;
  for (;;) {
    const next = nextPoll(0, t);
    if (next.kind === "stop" || next.at > durationMs) return reads;
    t = next.at;
    reads++;
  }
}
