// A simulated world for sync tests: a virtual clock (sleeping advances it, nothing
// waits), a sync queue that delivers its messages when their delay has passed on that
// clock, the conversation queue's consumer and the cron, all called with the virtual now.
import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { checkConfig } from "../../src/env.ts";
import type { Bindings, Config } from "../../src/env.ts";
import type { QueueMessage, SyncMessage } from "../../src/queues.ts";
import type { SyncDeps } from "../../src/sync/clock.ts";
import { consumeConversationBatch } from "../../src/sync/consumer.ts";
import { redriveStaleSyncs } from "../../src/sync/redrive-syncs.ts";
import { consumeSyncBatch } from "../../src/sync/sync-consumer.ts";

export function testConfig(): Config {
  const checked = checkConfig({ ...env });
  if (!checked.ok) throw new Error(checked.problems.join());
  return checked.config;
}

export class Sim {
  t: number;
  readonly pending: { body: SyncMessage; at: number }[] = [];
  readonly deps: SyncDeps;
  readonly env: Bindings;
  readonly config = testConfig();
  #seq = 0;

  constructor(start = Date.now()) {
    this.t = start;
    this.deps = { now: () => new Date(this.t), sleep: async (ms) => void (this.t += ms) };
    const push = (body: SyncMessage, delaySeconds = 0) => this.pending.push({ body, at: this.t + delaySeconds * 1000 });
    const queue = {
      send: async (body: SyncMessage, opts?: QueueSendOptions) => push(body, opts?.delaySeconds),
      sendBatch: async (messages: Iterable<MessageSendRequest<SyncMessage>>) => {
        for (const m of messages) push(m.body, m.delaySeconds);
      },
    } as unknown as Queue<SyncMessage>;
    this.env = { ...env, SYNC_QUEUE: queue };
  }

  get now(): Date {
    return new Date(this.t);
  }

  /** Runs the sync consumer on every message due by now, until none is left. */
  async deliver(): Promise<void> {
    for (let rounds = 0; rounds < 20; rounds++) {
      const due = this.pending.filter((m) => m.at <= this.t);
      if (due.length === 0) return;
      for (const m of due) this.pending.splice(this.pending.indexOf(m), 1);
      const batch = createMessageBatch("crm-sync", due.map((m) => ({ id: `s${this.#seq++}`, timestamp: new Date(this.t), attempts: 1, body: m.body })));
      await consumeSyncBatch(batch, this.env, this.config, this.deps);
    }
  }

  /** Queue messages of the conversation queue, as the intake writes them, consumed at the virtual now. */
  async events(messages: QueueMessage[]): Promise<void> {
    const batch = createMessageBatch("conversation-work", messages.map((body) => ({ id: `e${this.#seq++}`, timestamp: new Date(this.t), attempts: 1, body })));
    await consumeConversationBatch(batch, this.env, () => new Date(this.t));
  }

  async cron(): Promise<number> {
    return redriveStaleSyncs(this.env, this.now, this.config.SYNC_GIVE_UP_HOURS * 3_600_000);
  }
}
