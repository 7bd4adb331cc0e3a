// A simulated world for backfill tests: a virtual clock, the backfill and sync queues
// delivering their messages when due on that clock, the admin API called through the
// Worker's app with these queues, and the cron. Nothing sleeps.
import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type * as z from "zod";
import { app } from "../../src/app.ts";
import { consumeBackfillBatch, redriveBackfills } from "../../src/backfill/queue.ts";
import type { BackfillMessage } from "../../src/backfill/queue.ts";
import { BackfillView as BackfillSchema } from "../../src/backfill/schema.ts";
import type { Bindings } from "../../src/env.ts";
import type { QueueMessage, SyncMessage } from "../../src/queues.ts";
import type { SyncDeps } from "../../src/sync/clock.ts";
import { consumeConversationBatch } from "../../src/sync/consumer.ts";
import { redriveStaleSyncs } from "../../src/sync/redrive-syncs.ts";
import { consumeSyncBatch } from "../../src/sync/sync-consumer.ts";
import type { SeedConversation } from "../emulators/iadvize/seed.ts";
import { CAR_DEALER } from "../emulators/iadvize/seed.ts";
import { seedConversation } from "./iadvize.ts";
import { ADMIN_TOKEN } from "./secrets.ts";
import { testConfig } from "./sim.ts";
import type { SyncTenant } from "./tenant.ts";
import { BASE } from "./webhook.ts";

type Pending<T> = { body: T; at: number };

// Test files share one D1: the cron's passes also find other files' backfills and syncs.
// Their messages are not this world's to deliver (their own tests run them), so a queue
// keeps only the messages of the tenants this world's admin calls and events named.
function fakeQueue<T extends { tenantId: string }>(list: Pending<T>[], now: () => number, mine: (tenantId: string) => boolean): Queue<T> {
  const push = (body: T, delaySeconds = 0) => void (mine(body.tenantId) && list.push({ body, at: now() + delaySeconds * 1000 }));
  return {
    send: async (body: T, opts?: QueueSendOptions) => push(body, opts?.delaySeconds),
    sendBatch: async (messages: Iterable<MessageSendRequest<T>>) => {
      for (const m of messages) push(m.body, m.delaySeconds);
    },
  } as unknown as Queue<T>;
}

export class BackfillSim {
  t = Date.now();
  readonly syncs: Pending<SyncMessage>[] = [];
  readonly steps: Pending<BackfillMessage>[] = [];
  readonly deps: SyncDeps = { now: () => new Date(this.t), sleep: async (ms) => void (this.t += ms) };
  readonly env: Bindings;
  readonly config = testConfig();
  /** The tenants this world's admin calls and events named. */
  readonly tenants = new Set<string>();
  /** Steps run so far. */
  stepsRun = 0;
  #seq = 0;

  constructor() {
    const mine = (tenantId: string) => this.tenants.has(tenantId);
    this.env = { ...env, SYNC_QUEUE: fakeQueue(this.syncs, () => this.t, mine), BACKFILL_QUEUE: fakeQueue(this.steps, () => this.t, mine) };
  }

  /** The admin API, through the Worker's app with this world's queues; the clock catches up with the real one. */
  async admin(method: string, path: string, body?: unknown): Promise<Response> {
    const tenant = /^\/tenants\/([^/]+)/.exec(path)?.[1];
    if (tenant) this.tenants.add(tenant);
    const res = await app.fetch(
      new Request(`${BASE}/admin/api${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
      this.env,
    );
    this.t = Math.max(this.t, Date.now());
    return res;
  }

  async start(tenantId: string, body: Record<string, unknown>): Promise<BackfillView> {
    const res = await this.admin("POST", `/tenants/${tenantId}/backfill`, body);
    if (res.status !== 202) throw new Error(`backfill start: ${res.status} ${await res.text()}`);
    return BackfillSchema.parse(((await res.json()) as { backfill: unknown }).backfill);
  }

  async progress(tenantId: string): Promise<BackfillView> {
    const res = await this.admin("GET", `/tenants/${tenantId}/backfill`);
    if (res.status !== 200) throw new Error(`backfill progress: ${res.status} ${await res.text()}`);
    return BackfillSchema.parse(((await res.json()) as { backfill: unknown }).backfill);
  }

  /** Delivers what is due on both queues, once; false when nothing was due. */
  async deliverDue(maxSteps = Number.POSITIVE_INFINITY): Promise<boolean> {
    const due = <T>(list: Pending<T>[]) => {
      const out = list.filter((m) => m.at <= this.t);
      for (const m of out) list.splice(list.indexOf(m), 1);
      return out;
    };
    const steps = due(this.steps).slice(0, Math.max(0, maxSteps - this.stepsRun));
    const syncs = due(this.syncs);
    if (steps.length > 0) {
      this.stepsRun += steps.length;
      await consumeBackfillBatch(this.batch("backfill-work", steps), this.env, this.config, this.deps);
    }
    if (syncs.length > 0) await consumeSyncBatch(this.batch("crm-sync", syncs), this.env, this.config, this.deps);
    return steps.length + syncs.length > 0;
  }

  /** Runs both queues until nothing is left (or `maxSteps` backfill steps ran), moving the clock to each next message. */
  async drain(maxSteps = Number.POSITIVE_INFINITY): Promise<void> {
    for (let rounds = 0; rounds < 500; rounds++) {
      if (await this.deliverDue(maxSteps)) continue;
      const next = [...this.syncs, ...(this.stepsRun < maxSteps ? this.steps : [])].map((m) => m.at);
      if (next.length === 0) return;
      this.t = Math.max(this.t, Math.min(...next));
    }
    throw new Error("the backfill did not settle in 500 rounds");
  }

  /** Delivers what falls due over `ms` of virtual time, `stepMs` at a time, the cron every 5 minutes. */
  async runFor(ms: number, stepMs = 1000): Promise<void> {
    const end = this.t + ms;
    let cronAt = this.t + 300_000;
    while (this.t < end) {
      while (await this.deliverDue()) {}
      this.t += stepMs;
      if (this.t >= cronAt) {
        cronAt += 300_000;
        await this.cron();
      }
    }
  }

  /** A crash or a redeploy: every message in flight is lost. */
  loseMessages(): void {
    this.steps.length = 0;
    this.syncs.length = 0;
  }

  async cron(): Promise<void> {
    await redriveBackfills(this.env, this.deps.now());
    await redriveStaleSyncs(this.env, this.deps.now(), this.config.SYNC_GIVE_UP_HOURS * 3_600_000);
  }

  async events(messages: QueueMessage[]): Promise<void> {
    for (const m of messages) this.tenants.add(m.tenantId);
    const batch = createMessageBatch("conversation-work", messages.map((body) => ({ id: `e${this.#seq++}`, timestamp: new Date(this.t), attempts: 1, body })));
    await consumeConversationBatch(batch, this.env, () => new Date(this.t));
  }

  private batch<T>(queue: string, list: Pending<T>[]) {
    return createMessageBatch(queue, list.map((m) => ({ id: `m${this.#seq++}`, timestamp: new Date(this.t), attempts: 1, body: m.body })));
  }
}

/** The admin API's answer, checked against the schema its OpenAPI description is generated from. */
export type BackfillView = z.infer<typeof BackfillSchema>;

/** A closed conversation of the tenant's project on the emulator, closed at `closedAt`, with or without an email. */
export function closedConversation(t: SyncTenant, closedAt: string, opts: { email?: string | null; projectId?: number } = {}): Promise<SeedConversation> {
  const closed = Date.parse(closedAt);
  return seedConversation({
    projectId: opts.projectId ?? t.projectId,
    createdAt: new Date(closed - 600_000).toISOString(),
    closedAt,
    visitor: { ...CAR_DEALER.visitor, id: crypto.randomUUID(), email: opts.email === undefined ? `visitor-${crypto.randomUUID().slice(0, 8)}@example.com` : opts.email },
  });
}

/** The mapping of backfill tests: answers to Lead fields, none to the email (the visitor's own email decides the Lead). */
export const BACKFILL_MAPPING = { Q1: { object: "Lead", field: "Vehicle__c" }, Q2: { object: "Lead", field: "Engine__c" } };
