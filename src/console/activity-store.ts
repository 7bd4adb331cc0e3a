// The Activity page's reads: a tenant's conversations by sync state, a page at a time,
// with the reason of each failure (codes and field names, never values).
import * as z from "zod";
import type { SyncStatus } from "../conversations/sync-store.ts";

export const PAGE_SIZE = 20;
export const STATES = ["synced", "pending", "syncing", "failed"] as const satisfies readonly SyncStatus[];
export type State = (typeof STATES)[number];

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

const SyncError = z.object({ code: z.string().optional(), fields: z.array(z.string()).optional() }).loose();

function reasonOf(raw: string | null): string | null {
  if (!raw) return null;
  try {
    const e = SyncError.parse(JSON.parse(raw));
    return [e.code ?? "error", ...(e.fields?.length ? [e.fields.join(", ")] : [])].join(": ");
  } catch {
    return "error";
  }
}

export async function conversationsPage(db: D1Database, tenantId: string, state: State | undefined, page: number): Promise<{ rows: ActivityRow[]; more: boolean }> {
  const { results } = await db
    .prepare(
      `SELECT conversation_id, sync_status, closed_at, sync_error, sync_attempts, sf_match FROM conversations
       WHERE tenant_id = ?1 AND sync_status != 'none' AND (?2 IS NULL OR sync_status = ?2)
       ORDER BY updated_at DESC, conversation_id LIMIT ?3 OFFSET ?4`,
    )
    .bind(tenantId, state ?? null, PAGE_SIZE + 1, page * PAGE_SIZE)
    .all();
  const rows = z.array(Row).parse(results);
  return {
    more: rows.length > PAGE_SIZE,
    rows: rows.slice(0, PAGE_SIZE).map((r) => ({
      conversationId: r.conversation_id,
      state: r.sync_status,
      closedAt: r.closed_at,
      reason: reasonOf(r.sync_error),
      attempts: r.sync_attempts,
      match: r.sf_match,
    })),
  };
}
