// The Activity page's reads: a tenant's conversations by sync state, a page at a time,
// with the reason of each failure (codes and field names, never values). While the
// tenant is held for a contract problem, its pending conversations are shown "blocked":
// none of them syncs until the problem is fixed and the checks re-run.
import * as z from "zod";
import type { SyncStatus } from "../conversations/sync-store.ts";

export const PAGE_SIZE = 20;
export const STATES = ["synced", "pending", "blocked", "syncing", "failed"] as const;
export type State = (typeof STATES)[number];

/** The page's counts: the stored ones, with pending shown as blocked while a contract hold lasts. */
export function stateCounts(counts: Record<SyncStatus, number>, blocked: boolean): Record<State, number> {
  const { synced, pending, syncing, failed } = counts;
  return blocked ? { synced, pending: 0, blocked: pending, syncing, failed } : { synced, pending, blocked: 0, syncing, failed };
}

const Row = z.object({
  conversation_id: z.string(),
  sync_status: z.string(),
  closed_at: z.string().nullable(),
  sync_error: z.string().nullable(),
  sync_attempts: z.number(),
  sf_match: z.string().nullable(),
});

export interface ActivityRow {
  conversationId: string;
  state: string;
  closedAt: string | null;
  reason: string | null;
  attempts: number;
  match: string | null;
}

const SyncError = z.object({ code: z.string().optional(), fields: z.array(z.string()).optional(), paths: z.array(z.string()).optional() }).loose();

function reasonOf(raw: string | null): string | null {
  if (!raw) return null;
  try {
    const e = SyncError.parse(JSON.parse(raw));
    const names = [...(e.fields ?? []), ...(e.paths ?? [])];
    return [e.code ?? "error", ...(names.length ? [names.join(", ")] : [])].join(": ");
  } catch {
    return "error";
  }
}

/** A page of conversations, newest change first; `blocked`: the tenant is held for a contract problem. */
export async function conversationsPage(
  db: D1Database,
  tenantId: string,
  filter: { state: State | undefined; blocked: boolean; reason: string | null },
  page: number,
): Promise<{ rows: ActivityRow[]; more: boolean }> {
  const { blocked } = filter;
  // "blocked" is pending under a contract hold; without one nothing is blocked, and with one nothing is merely pending.
  if ((filter.state === "blocked" && !blocked) || (filter.state === "pending" && blocked)) return { rows: [], more: false };
  const status: SyncStatus | null = filter.state === "blocked" ? "pending" : (filter.state ?? null);
  const { results } = await db
    .prepare(
      `SELECT conversation_id, sync_status, closed_at, sync_error, sync_attempts, sf_match FROM conversations
       WHERE tenant_id = ?1 AND sync_status != 'none' AND (?2 IS NULL OR sync_status = ?2)
       ORDER BY updated_at DESC, conversation_id LIMIT ?3 OFFSET ?4`,
    )
    .bind(tenantId, status, PAGE_SIZE + 1, page * PAGE_SIZE)
    .all();
  const rows = z.array(Row).parse(results);
  return {
    more: rows.length > PAGE_SIZE,
    rows: rows.slice(0, PAGE_SIZE).map((r) => {
      const isBlocked = blocked && r.sync_status === "pending";
      return {
        conversationId: r.conversation_id,
        state: isBlocked ? "blocked" : r.sync_status,
        closedAt: r.closed_at,
        // One that came after the hold began has not been tried: it waits for the same reason.
        reason: reasonOf(r.sync_error) ?? (isBlocked ? filter.reason : null),
        attempts: r.sync_attempts,
        match: r.sf_match,
      };
    }),
  };
}
