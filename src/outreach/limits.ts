// Per-number and per-tenant limits, checked and recorded in one conditional INSERT: a
// check made before the write would let concurrent requests all pass it (D1 runs one
// statement at a time, so the counts and the insert cannot interleave with another).

/** The tables whose rows are limited; each has tenant_id, phone_hash and created_at (ISO). */
export type LimitedTable = "escalations" | "deflections" | "survey_sessions" | "survey_outbox";

export interface Window {
  max: number;
  ms: number;
}

export type Value = string | number | null;

export interface GuardedInsert {
  table: LimitedTable;
  /** The row; its tenant_id, phone_hash and created_at are what the limits count. */
  row: Record<string, Value> & { tenant_id: string; phone_hash: string; created_at: string };
  perNumber: Window;
  /** None: only the per-number limit applies. */
  perTenant?: Window;
  /** The SQL condition on rows that count (a constant of the caller's code, never input). */
  counted: string;
  /** Not inserted when a counted row has this value in this column since then: a repeat. */
  unlessRepeat?: { column: string; value: string; since: Date };
  /** Columns of a unique key: a row that collides with one is not inserted either (no error). */
  unlessConflict?: readonly string[];
}

const COLUMN = /^[a-z_]+$/;

/** The statement; it changes no row when a limit is reached or the request is a repeat. */
export function insertWithinLimits(db: D1Database, g: GuardedInsert): D1PreparedStatement {
  const columns = Object.keys(g.row);
  const repeat = g.unlessRepeat;
  const conflict = g.unlessConflict ?? [];
  if (![...columns, ...conflict].every((c) => COLUMN.test(c)) || (repeat && !COLUMN.test(repeat.column))) throw new Error("insertWithinLimits: invalid column name");
  const at = Date.parse(g.row.created_at);
  const since = (w: Window) => new Date(at - w.ms).toISOString();
  const sql = `INSERT INTO ${g.table} (${columns.join(", ")}) SELECT ${columns.map(() => "?").join(", ")}
     WHERE (SELECT COUNT(*) FROM ${g.table} WHERE tenant_id = ? AND phone_hash = ? AND created_at > ? AND (${g.counted})) < ?
       ${g.perTenant ? `AND (SELECT COUNT(*) FROM ${g.table} WHERE tenant_id = ? AND created_at > ? AND (${g.counted})) < ?` : ""}
       ${repeat ? `AND NOT EXISTS (SELECT 1 FROM ${g.table} WHERE tenant_id = ? AND ${repeat.column} = ? AND created_at > ? AND (${g.counted}))` : ""}
       ${conflict.length > 0 ? `ON CONFLICT (${conflict.join(", ")}) DO NOTHING` : ""}`;
  const binds: Value[] = [
    ...columns.map((c) => g.row[c] ?? null),
    g.row.tenant_id, g.row.phone_hash, since(g.perNumber), g.perNumber.max,
    ...(g.perTenant ? [g.row.tenant_id, since(g.perTenant), g.perTenant.max] : []),
    ...(repeat ? [g.row.tenant_id, repeat.value, repeat.since.toISOString()] : []),
  ];
  return db.prepare(sql).bind(...binds);
}
