// A burst's iAdvize reads, made while its sync waits for a full collection: the
// conversations already due are read then, and kept in this isolate's memory for a
// minute, so the run that follows only reads what arrived since. Best effort: a run in
// another isolate, or after the minute, reads again; a failure here changes nothing (the
// run reads, and meets the failure itself). Only closed, live, never followed
// conversations are read early, and only while the tenant is not held and its on-close
// tier may spend.
import { budgetAllows } from "../budget/gate.ts";
import type { Claimed, Prefetchable } from "../conversations/sync-store.ts";
import { prefetchable } from "../conversations/sync-store.ts";
import type { Config } from "../env.ts";
import type { ConversationData } from "../iadvize/conversation.ts";
import { iadvizeClientFor } from "../iadvize/for-tenant.ts";
import { errorFields, log } from "../log.ts";
import type { TenantConfig } from "../tenants/schema.ts";
import { clientClock } from "./clock.ts";
import type { SyncDeps } from "./clock.ts";
import { tenantHoldOf } from "./holds.ts";
import { SYNC_BATCH } from "./crm-sync.ts";

/** A read kept longer than this is read again by the run. */
export const PREFETCH_TTL_MS = 60_000;
/** Reads kept at most in an isolate (a few tenants' full collections)... */
export const PREFETCH_MAX = 1_000;
/** ...and characters of their messages (about 16 MB of strings): long conversations are read by the run. */
export const PREFETCH_MAX_CHARS = 8_000_000;
/** Requests at once: a Worker invocation keeps at most six connections open. */
const CONCURRENCY = 6;

interface Kept {
  data: ConversationData;
  at: number;
  chars: number;
  /** The conversation as D1 knew it when read: a later push or close means it is read again. */
  version: string;
}

const kept = new Map<string, Kept>();
let keptChars = 0;
const keyOf = (tenantId: string, conversationId: string) => `${tenantId}\u0000${conversationId}`;
const versionOf = (c: Pick<Prefetchable, "closed_at" | "last_pushed_at">) => `${c.closed_at ?? ""}|${c.last_pushed_at ?? ""}`;

function drop(key: string): Kept | undefined {
  const k = kept.get(key);
  if (k) {
    kept.delete(key);
    keptChars -= k.chars;
  }
  return k;
}

function dropExpired(now: number): void {
  for (const [key, k] of kept) if (now - k.at >= PREFETCH_TTL_MS) drop(key);
}

function keep(key: string, data: ConversationData, at: number, version: string): void {
  const chars = data.messages.reduce((n, m) => n + m.text.length, 0);
  if (kept.size >= PREFETCH_MAX || keptChars + chars > PREFETCH_MAX_CHARS) return;
  drop(key);
  kept.set(key, { data, at, chars, version });
  keptChars += chars;
}

/** The read made early for this claimed conversation, taken (used once); undefined when there is none, or it is stale. */
export function takePrefetched(tenantId: string, c: Claimed, now: number): ConversationData | undefined {
  const k = drop(keyOf(tenantId, c.conversation_id));
  if (!k) return undefined;
  return now - k.at < PREFETCH_TTL_MS && k.version === versionOf(c) ? k.data : undefined;
}

export interface PrefetchRun {
  db: D1Database;
  config: Pick<Config, "IADVIZE_API_URL" | "ENCRYPTION_KEY">;
  tenantId: string;
  tenant: TenantConfig;
  deps: SyncDeps;
}

/** Reads `limit` more of the tenant's first SYNC_BATCH due conversations, those not read yet: how many were read, and whether a read failed. */
export async function prefetchDue(run: PrefetchRun, limit: number): Promise<{ read: number; failed: boolean }> {
  const { db, tenantId, deps } = run;
  const now = deps.now();
  dropExpired(now.getTime());
  const room = Math.min(limit, PREFETCH_MAX - kept.size);
  if (room <= 0 || keptChars >= PREFETCH_MAX_CHARS || (await tenantHoldOf(db, tenantId)) || !(await budgetAllows(db, tenantId, "on_close", now.getTime())).ok) return { read: 0, failed: false };
  const due = await prefetchable(db, tenantId, now, SYNC_BATCH);
  const todo = due.filter((c) => !kept.has(keyOf(tenantId, c.conversation_id))).slice(0, room);
  if (todo.length === 0) return { read: 0, failed: false };
  const client = iadvizeClientFor(db, run.config, tenantId, run.tenant, clientClock(deps));
  let read = 0;
  let failed = false;
  const readOne = async (c: Prefetchable) => {
    if (failed) return;
    try {
      const data = await client.conversation(c.conversation_id);
      if (data) keep(keyOf(tenantId, c.conversation_id), data, deps.now().getTime(), versionOf(c));
      read++;
    } catch (err) {
      // The run reads it again and meets the failure (a hold, a retry) as usual.
      failed = true;
      log.warn("sync.prefetch_failed", { tenantId, ...errorFields(err) });
    }
  };
  // The first alone: a service down costs one read (and the client's own retries).
  const [first, ...rest] = todo;
  if (first) await readOne(first);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, rest.length) }, async () => {
      for (let i = next++; i < rest.length; i = next++) await readOne(rest[i] as Prefetchable);
    }),
  );
  return { read, failed };
}
