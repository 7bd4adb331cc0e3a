// The iAdvize half of a run: each claimed conversation read through GraphQL, a few at a
// time, after a first one read alone, so that an outage costs one request, not one per
// conversation. The first outage stops the reading; what was not read waits.
import * as z from "zod";
import { attentionStatement } from "../conversations/attention.ts";
import { isLateOpen } from "../conversations/late.ts";
import type { Claimed } from "../conversations/sync-store.ts";
import { deflectionLink } from "../deflection/link.ts";
import { StoredTransactions } from "../conversations/transactions.ts";
import { latestForConversations } from "../escalation/store.ts";
import { iadvizeClientFor } from "../iadvize/for-tenant.ts";
import type { Config } from "../env.ts";
import { toHex } from "../lib/hmac.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import { errorFields, log } from "../log.ts";
import type { TenantConfig } from "../tenants/schema.ts";
import type { FollowRun } from "../follow/poll.ts";
import { clientClock } from "./clock.ts";
import type { SyncDeps } from "./clock.ts";
import type { SyncItem } from "./item.ts";
import { holdCauseOf } from "./outage.ts";
import type { HoldCause } from "./outage.ts";
import { crmView, readConversation } from "./read-conversation.ts";
import { takePrefetched } from "./prefetch.ts";
import type { Settlement } from "./settle.ts";

const IADVIZE_CONCURRENCY = 6;

export interface IadvizeRun {
  db: D1Database;
  config: Pick<Config, "IADVIZE_API_URL" | "ENCRYPTION_KEY">;
  tenantId: string;
  tenant: TenantConfig;
  deps: SyncDeps;
  settle: Settlement;
  keepAlive: () => Promise<void>;
  /** Open conversations followed live, and closed ones that were: read from their cursor. */
  follow: FollowRun;
}

export interface IadvizeRead {
  items: SyncItem[];
  hashes: Map<string, string>;
  /** How many were read early, while the burst's sync waited (prefetch.ts). */
  early: number;
  /** Why reading stopped early, when the service failed. */
  stop?: HoldCause;
  /** Claimed conversations left unread: they wait for the service. */
  unread: Claimed[];
}

const OperatorIds = z.array(z.number());
const Satisfaction = z.record(z.string(), z.unknown());

class StoredStateError extends Error {
  override name = "StoredStateError";
}

/** A JSON column of D1, checked: what another version of the code wrote may differ. */
function column<T>(schema: z.ZodType<T>, text: string | null): T | undefined {
  if (text === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StoredStateError("a stored conversation column does not parse");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StoredStateError("a stored conversation column has an unexpected shape");
  return parsed.data;
}

async function contentHash(item: SyncItem, tenant: TenantConfig): Promise<string> {
  const { conversation, extraction } = item.read;
  const material = JSON.stringify([conversation, extraction, item.operatorIds, item.satisfaction, item.transactions, item.escalation, item.deflection, item.channel, item.closedAt, tenant.mapping, tenant.salesforce?.leadSource]);
  return toHex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(material)));
}

/** The latest escalation of each claimed conversation, looked up once for the run. */
async function escalationsOf(db: D1Database, tenantId: string, claimed: readonly Claimed[]): Promise<Map<string, NonNullable<SyncItem["escalation"]>>> {
  const found = await latestForConversations(
    db,
    tenantId,
    claimed.map((c) => c.conversation_id),
  );
  return new Map([...found].map(([id, e]) => [id, { status: e.status, reason: e.reason, reference: e.provider_ref, requestedAt: e.created_at }]));
}

async function inPool<T>(items: readonly T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await run(items[i] as T);
    }),
  );
}

export async function readFromIadvize(run: IadvizeRun, claimed: readonly Claimed[]): Promise<IadvizeRead> {
  const { db, tenantId, tenant, settle } = run;
  const client = iadvizeClientFor(db, run.config, tenantId, tenant, clientClock(run.deps));
  const out: IadvizeRead = { items: [], hashes: new Map(), early: 0, unread: [] };
  const settled = new Set<string>();
  const escalations = await escalationsOf(db, tenantId, claimed);

  const readOne = async (c: Claimed) => {
    if (out.stop) return;
    const id = c.conversation_id;
    try {
      // A row made by a late transaction alone is read in full, never followed.
      const kind = isLateOpen(c) ? "full" : run.follow.kind(c);
      if (kind === "none") {
        settled.add(id);
        return;
      }
      const early = kind === "full" ? takePrefetched(tenantId, c, run.deps.now().getTime()) : undefined;
      if (early) out.early++;
      const read =
        kind === "follow" ? await run.follow.read(client, c, tenant.mapping) : early ? crmView(early, tenant.mapping) : await readConversation(client, id, tenant.mapping);
      settled.add(id);
      if (!read) {
        settle.failed(id, { code: "conversation_not_found" });
        return;
      }
      settle.statements.push(attentionStatement(db, tenantId, id, read.needsAttention));
      const deflection = await deflectionLink(db, run.config.ENCRYPTION_KEY, tenantId, tenant.deflection, { conversationId: id, channel: c.channel ?? read.conversation.channel, startedAt: c.started_at ?? read.conversation.createdAt, phone: read.contact.phone?.value });
      if (deflection) settle.statements.push(deflection.statement);
      const item: SyncItem = {
        conversationId: id,
        visitorId: c.visitor_id ?? id,
        visitorKnown: c.visitor_id !== null,
        lateOpen: isLateOpen(c),
        tenantId,
        channel: c.channel,
        startedAt: c.started_at,
        closedAt: c.closed_at,
        operatorIds: column(OperatorIds, c.operator_ids) ?? [],
        satisfaction: column(Satisfaction, c.satisfaction) ?? null,
        transactions: column(StoredTransactions, c.transactions) ?? [],
        escalation: escalations.get(id) ?? null,
        deflection: deflection?.link ?? null,
        read,
      };
      const open = run.follow.isOpen(id);
      // An open conversation goes to Salesforce once its visitor has an email or a phone; its reads go on meanwhile.
      if (!open || run.follow.writable(item)) {
        const hash = open ? await run.follow.hash(item, tenant) : await contentHash(item, tenant);
        if (hash === c.synced_hash) {
          settle.unchanged(id);
        } else {
          out.hashes.set(id, hash);
          out.items.push(item);
        }
      }
    } catch (err) {
      const cause = holdCauseOf(err);
      log.warn("sync.iadvize_read_failed", { tenantId, conversationId: id, ...errorFields(err) });
      if (cause) {
        out.stop ??= cause;
        return;
      }
      settled.add(id);
      const e = err instanceof UpstreamError ? err : undefined;
      if (err instanceof StoredStateError) settle.failed(id, { code: "stored_state_invalid" });
      else if (e && !e.retryable) settle.failed(id, { code: `iadvize_${e.code}` });
      else settle.retry(c, { code: `iadvize_${e?.code ?? "error"}` });
    }
    await run.keepAlive();
  };

  const [first, ...rest] = claimed;
  if (first) await readOne(first);
  await inPool(rest, IADVIZE_CONCURRENCY, readOne);
  out.unread = claimed.filter((c) => !settled.has(c.conversation_id));
  return out;
}
