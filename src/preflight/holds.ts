// Adapter to the sync's tenant holds: the agreed `releaseTenantHold(db, tenantId, reason?)`
// of src/sync/holds.ts (sync branch, not on this branch yet). Until it lands there is no
// tenant_holds table, hence nothing to release; once it lands this file re-exports it.
import type { ContractProblem } from "../lib/contract-error.ts";

/** Ends the tenant's hold if it is for `reason`; true when one ended. */
export async function releaseTenantHold(db: D1Database, tenantId: string, reason: ContractProblem): Promise<boolean> {
  const table = await db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'tenant_holds'`).first();
  if (!table) return false;
  const result = await db.prepare(`DELETE FROM tenant_holds WHERE tenant_id = ?1 AND reason = ?2`).bind(tenantId, reason).run();
  return result.meta.changes > 0;
}
