// The follow-up's part of a sync run. A claimed open conversation of a following tenant is
// read from the last cursor seen (only the new messages), with the answers settled so
// far; it is written only once the visitor has an email or a phone and what the Lead
// would get changed; then it is due for its next read, on the tenant's read slots
// (slots.ts), or off the schedule (closed, 7 idle days, the setting turned off). A closed
// one that was followed is read from its cursor one last time, and its row dropped.
import type { Claimed } from "../conversations/sync-store.ts";
import type { IadvizeClient } from "../iadvize/client.ts";
import { toHex } from "../lib/hmac.ts";
import { log } from "../log.ts";
import { resolveContact } from "../qualification/contact.ts";
import type { MappingEntry } from "../qualification/contact.ts";
import { extractAnswers } from "../qualification/extract.ts";
import { DEFAULT_TRANSCRIPT_LIMIT, buildTranscript } from "../qualification/transcript.ts";
import type { ConversationForCrm, SyncItem } from "../sync/item.ts";
import type { TenantConfig } from "../tenants/schema.ts";
import { IDLE_STOP_MS, nextPoll } from "./schedule.ts";
import { settledAnswers } from "./settled.ts";
import { slotAtOrAfter, slotAtOrBefore } from "./slots.ts";
import type { FollowState } from "./store.ts";
import { endFollowStatement, endIfFailedStatement, loadFollowStates, nextReadStatement, saveFollowStatement, stopReadsStatement } from "./store.ts";

/** How a claimed conversation is read: in full (never followed), from its cursor, or not at all (its following ended). */
export type ReadKind = "full" | "follow" | "none";

const latest = (...times: (string | null | undefined)[]) =>
  times.reduce<string | null>((a, b) => (b && (!a || Date.parse(b) > Date.parse(a)) ? b : a), null);

export class FollowRun {
  /** Statements to run after the run's outcomes: they read the sync status those leave. */
  readonly after: D1PreparedStatement[] = [];
  readonly #db: D1Database;
  readonly #keys: readonly string[];
  readonly #tenantId: string;
  readonly #enabled: boolean;
  readonly #states: Map<string, FollowState>;
  readonly #now: () => Date;
  readonly #open = new Set<string>();

  private constructor(db: D1Database, keys: readonly string[], tenantId: string, enabled: boolean, states: Map<string, FollowState>, now: () => Date) {
    this.#db = db;
    this.#keys = keys;
    this.#tenantId = tenantId;
    this.#enabled = enabled;
    this.#states = states;
    this.#now = now;
  }

  static async load(db: D1Database, keys: readonly string[], tenantId: string, tenant: TenantConfig, claimed: readonly Claimed[], now: () => Date): Promise<FollowRun> {
    const states = await loadFollowStates(db, keys, tenantId, claimed.map((c) => c.conversation_id));
    return new FollowRun(db, keys, tenantId, tenant.followUp?.enabled ?? false, states, now);
  }

  /** Decided before any request: an open conversation past its 7 idle days, or of a tenant that stopped following, is not read. */
  kind(c: Claimed): ReadKind {
    const id = c.conversation_id;
    if (c.status !== "open") return this.#states.has(id) ? "follow" : "full";
    const lastActivity = latest(this.#states.get(id)?.lastActivityAt, c.last_pushed_at, c.started_at);
    const idle = lastActivity ? this.#now().getTime() - Date.parse(lastActivity) : 0;
    if (!this.#enabled || idle >= IDLE_STOP_MS) {
      this.#stop(id, this.#enabled ? "idle" : "disabled");
      return "none";
    }
    return "follow";
  }

  /** Reads the messages after the cursor, adds them to those kept, and decides the next read. */
  async read(client: IadvizeClient, c: Claimed, mapping: Readonly<Record<string, MappingEntry>>): Promise<ConversationForCrm | null> {
    const id = c.conversation_id;
    const before = this.#states.get(id);
    const got = await client.conversationAfter(id, before?.cursor ?? null);
    if (!got) {
      this.after.push(endFollowStatement(this.#db, this.#tenantId, id));
      return null;
    }
    const { data } = got;
    const messages = [...(before?.messages ?? []), ...data.messages];
    const unknown = { count: (before?.unknown.count ?? 0) + data.unknownMessages.count, types: [...new Set([...(before?.unknown.types ?? []), ...data.unknownMessages.types])] };
    const open = c.status === "open" && data.closedAt === null;
    const newest = messages.reduce<string | null>((a, m) => latest(a, m.createdAt), null);
    const state: FollowState = {
      cursor: got.cursor,
      messages,
      unknown,
      lastActivityAt: latest(before?.lastActivityAt, c.last_pushed_at, c.started_at, newest) ?? this.#now().toISOString(),
      polls: (before?.polls ?? 0) + 1,
    };
    if (!open) {
      // Closed (by its webhook, or already in iAdvize): this read is the last; the close sync completes the records.
      this.after.push(endFollowStatement(this.#db, this.#tenantId, id));
      if (c.status === "open") this.after.push(stopReadsStatement(this.#db, this.#tenantId, id));
    } else {
      this.#open.add(id);
      this.after.push(await saveFollowStatement(this.#db, this.#keys, this.#tenantId, id, state));
      // Counted from the slot this read served (not the run's time), and on the tenant's grid: no drift.
      const next = nextPoll(Date.parse(state.lastActivityAt), slotAtOrBefore(this.#tenantId, this.#now().getTime()));
      if (next.kind === "poll") this.after.push(nextReadStatement(this.#db, this.#tenantId, id, new Date(slotAtOrAfter(this.#tenantId, next.at))), endIfFailedStatement(this.#db, this.#tenantId, id));
      else this.#stop(id, "idle");
    }
    const extraction = open ? settledAnswers(messages) : extractAnswers(messages);
    const conversation = { ...data, messages, unknownMessages: unknown };
    return {
      conversation,
      extraction,
      transcript: buildTranscript(messages, DEFAULT_TRANSCRIPT_LIMIT),
      contact: resolveContact(conversation.visitor, conversation.customData, extraction.answers, mapping),
      needsAttention: unknown.count > 0 ? { code: "unknown_message_shape", ...unknown } : null,
    };
  }

  /** Read by this run while still open. */
  isOpen(conversationId: string): boolean {
    return this.#open.has(conversationId);
  }

  /** Whether an open conversation goes to Salesforce now: only once its visitor can be matched or created. */
  writable(item: SyncItem): boolean {
    return item.read.contact.email !== undefined || item.read.contact.phone !== undefined;
  }

  /** What the Lead would get from an open conversation: written again only when this changes. */
  async hash(item: SyncItem, tenant: TenantConfig): Promise<string> {
    const { contact, extraction } = item.read;
    const material = JSON.stringify([contact, extraction.answers, item.operatorIds, tenant.mapping, tenant.salesforce?.leadSource]);
    return `follow:${toHex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(material)))}`;
  }

  #stop(conversationId: string, reason: "idle" | "disabled"): void {
    log.info("follow.stopped", { tenantId: this.#tenantId, conversationId, reason });
    this.after.push(stopReadsStatement(this.#db, this.#tenantId, conversationId), endFollowStatement(this.#db, this.#tenantId, conversationId));
  }
}
