// The passes over every tenant, whichever database holds it: the tenants listed once each,
// ordered by id, and the holds of them all (one query per database, never a join across).
import { tenantHolds } from "../sync/holds.ts";
import type { TenantHold } from "../sync/holds.ts";
import { everyDb } from "./placement.ts";
import type { PlacementEnv } from "./placement.ts";
import { listTenants } from "./store.ts";
import type { TenantListing } from "./store.ts";

export async function listEveryTenant(env: PlacementEnv, keys: readonly string[]): Promise<TenantListing[]> {
  const lists = await Promise.all(everyDb(env).map((db) => listTenants(db, keys)));
  return lists.flat().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function everyTenantHold(env: PlacementEnv): Promise<Map<string, TenantHold>> {
  const holds = await Promise.all(everyDb(env).map((db) => tenantHolds(db)));
  return new Map(holds.flatMap((m) => [...m]));
}
