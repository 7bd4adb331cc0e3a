// Adapter to the sync's tenant holds: a passing check releases the contract hold it
// proves wrong (src/sync/holds.ts owns the holds).
export { releaseTenantHold } from "../sync/holds.ts";
