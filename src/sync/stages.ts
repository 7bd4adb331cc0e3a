// How long each stage of a sync run took, for its log line: durations in milliseconds on
// the run's clock, never data, so a slow run shows where its time went.
export class RunStages {
  readonly startedAt: string;
  readonly #now: () => Date;
  #last: number;
  readonly #ms: Record<string, number> = {};

  constructor(now: () => Date) {
    this.#now = now;
    this.#last = now().getTime();
    this.startedAt = new Date(this.#last).toISOString();
  }

  /** The stage that just ended: the time since the previous mark is added to it. */
  mark(stage: string): void {
    const t = this.#now().getTime();
    this.#ms[`${stage}Ms`] = (this.#ms[`${stage}Ms`] ?? 0) + (t - this.#last);
    this.#last = t;
  }

  /** The log fields: when the run started and each stage's duration. */
  fields(): Record<string, string | number> {
    return { startedAt: this.startedAt, ...this.#ms };
  }
}
