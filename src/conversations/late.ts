// A transaction attributed to a conversation whose row never saw a push (deleted by the
// retention, or closed before the connector): the row the event makes is open and would
// wait for a close that may never come. It is put on the sync once: the sync writes it into
// the Conversation record Salesforce has, found by its external id, or, when there is none,
// leaves it waiting for its close or a backfill as before (sync/crm-sync.ts).

export function lateTransactionStatement(db: D1Database, tenantId: string, conversationId: string, now: Date): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE conversations SET sync_status = 'pending', sync_lease_until = NULL, sync_error = NULL, sync_due_at = ?3, sync_failing_since = NULL
       WHERE tenant_id = ?1 AND conversation_id = ?2 AND status = 'open' AND last_pushed_at IS NULL AND visitor_id IS NULL AND origin = 'live'
         AND sync_status IN ('none', 'synced')`,
    )
    .bind(tenantId, conversationId, now.toISOString());
}

/** The claimed row is one such: open, never pushed nor closed by a webhook. */
export const isLateOpen = (c: { status: string; visitor_id: string | null; last_pushed_at: string | null; origin: string }) =>
  c.status === "open" && c.visitor_id === null && c.last_pushed_at === null && c.origin === "live";
