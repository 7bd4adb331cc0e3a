// A simulated world for sync tests: a virtual clock (sleeping advances it, nothing
// waits), a sync queue that delivers its messages when their delay has passed on that
// clock, the conversation queue's consumer and the cron, all called with the virtual now.
import { createExecutionContext, createMessageBatch, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { checkConfig } from "../../src/env.ts";
import type { Bindings, Config } from "../../src/env.ts";
import type { QueueMessage, SyncMessage } from "../../src/queues.ts";
import type { SyncDeps } from "../../src/sync/clock.ts";
import { consumeConversationBatch } from "../../src/sync/consumer.ts";
import { redriveStaleSyncs } from "../../src/sync/redrive-syncs.ts";
import { consumeSyncBatch } from "../../src/sync/sync-consumer.ts";
import worker from "../../src/index.ts";
import { signatureFor } from "../../src/webhooks/signature.ts";
import { WEBHOOK_SECRET } from "./secrets.ts";

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
  /** What happens while a burst's sync waits inside its invocation (the ms it asks); unset, no time passes and nothing arrives. */
  meanwhile: ((ms: number) => Promise<void>) | undefined;
  #seq = 0;

  constructor(start = Date.now()) {
    this.t = start;
    this.deps = { now: () => new Date(this.t), sleep: async (ms) => void (this.t += ms), wait: async (ms) => this.meanwhile?.(ms) };
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
    for (let rounds = 0; rounds < 20; rounds++) if (!(await this.invocation())) return;
  }

  /** One invocation of the sync consumer with the messages due by now; false when none is due. */
  async invocation(): Promise<boolean> {
    const due = this.pending.filter((m) => m.at <= this.t);
    if (due.length === 0) return false;
    for (const m of due) this.pending.splice(this.pending.indexOf(m), 1);
    const batch = createMessageBatch("crm-sync", due.map((m) => ({ id: `s${this.#seq++}`, timestamp: new Date(this.t), attempts: 1, body: m.body })));
    await consumeSyncBatch(batch, this.env, this.config, this.deps);
    return true;
  }

  /** Queue messages of the conversation queue, as the intake writes them, consumed at the virtual now. */
  async events(messages: QueueMessage[]): Promise<void> {
    const batch = createMessageBatch("conversation-work", messages.map((body) => ({ id: `e${this.#seq++}`, timestamp: new Date(this.t), attempts: 1, body })));
    await consumeConversationBatch(batch, this.env, () => new Date(this.t));
  }

  /** A webhook signed as iAdvize signs it, into the Worker's HTTP intake; what it queues is consumed at the virtual now. */
  async webhook(event: object): Promise<Response> {
    const captured: QueueMessage[] = [];
    const res = await this.#post(event, captured);
    if (captured.length > 0) await this.events(captured);
    return res;
  }

  /**
   * Webhooks signed as iAdvize signs them, into the Worker's HTTP intake, one after the
   * other; what they queue is consumed as one batch at the virtual now, as the queue
   * delivers a burst (a batch of CONVERSATION_BATCH_MAX is full: a burst is under way).
   */
  async webhooks(events: readonly object[]): Promise<void> {
    const captured: QueueMessage[] = [];
    for (const event of events) {
      const res = await this.#post(event, captured);
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    }
    if (captured.length > 0) await this.events(captured);
  }

  /** One signed webhook into the Worker's fetch, its queue messages kept in `captured`. */
  async #post(event: object, captured: QueueMessage[]): Promise<Response> {
    const queue = {
      send: async (body: QueueMessage) => void captured.push(body),
      sendBatch: async (messages: Iterable<MessageSendRequest<QueueMessage>>) => {
        for (const m of messages) captured.push(m.body);
      },
    } as unknown as Queue<QueueMessage>;
    const body = JSON.stringify(event);
    const request = new Request("https://connector.test/webhooks/iadvize", {
      method: "POST",
      headers: { "content-type": "application/json", "x-iadvize-signature": await signatureFor(WEBHOOK_SECRET, body), "x-iadvize-delivery": crypto.randomUUID() },
      body,
    });
    const ctx = createExecutionContext();
    if (!worker.fetch) throw new Error("the Worker has no fetch handler");
    const res = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, { ...this.env, CONVERSATION_QUEUE: queue }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  /** Moves the clock to the next sync message due (at most `until`) and delivers it; false when none is due by then. */
  async next(until: number): Promise<boolean> {
    const at = Math.min(...this.pending.map((m) => m.at));
    if (!Number.isFinite(at) || at > until) return false;
    this.t = Math.max(this.t, at);
    await this.deliver();
    return true;
  }

  async cron(): Promise<number> {
    return redriveStaleSyncs(this.env, this.now, this.config.SYNC_GIVE_UP_HOURS * 3_600_000);
  }
}
