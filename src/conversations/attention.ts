// Conversations kept and synced with something a person should look at, flagged on their
// sync row and counted for the tenant's admin view: today, messages whose author the
// connector cannot tell (a message type it does not know).
export type AttentionCode = "unknown_message_shape";
const CODES: readonly AttentionCode[] = ["unknown_message_shape"];

export interface Attention {
  code: AttentionCode;
  /** How many messages, and their GraphQL type names: never their content. */
  count: number;
  types: string[];
}

/** Sets (or clears, with null) the conversation's flag; the flag follows each read. */
export function attentionStatement(db: D1Database, tenantId: string, conversationId: string, attention: Attention | null): D1PreparedStatement {
  return db
    .prepare(`UPDATE conversations SET needs_attention = ?3 WHERE tenant_id = ?1 AND conversation_id = ?2`)
    .bind(tenantId, conversationId, attention ? JSON.stringify(attention) : null);
}

/** How many of the tenant's conversations carry each flag. */
export async function attentionCounts(db: D1Database, tenantId: string): Promise<Record<AttentionCode, number>> {
  const { results } = await db
    .prepare(
      `SELECT json_extract(needs_attention, '$.code') AS code, COUNT(*) AS n FROM conversations
       WHERE tenant_id = ?1 AND needs_attention IS NOT NULL GROUP BY code`,
    )
    .bind(tenantId)
    .all<{ code: string; n: number }>();
  const out = Object.fromEntries(CODES.map((c) => [c, 0])) as Record<AttentionCode, number>;
  for (const r of results) if ((CODES as readonly string[]).includes(r.code)) out[r.code as AttentionCode] = r.n;
  return out;
}
