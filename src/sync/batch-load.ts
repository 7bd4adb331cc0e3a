// A conversation-queue batch's events, each in its tenant's database: the new ones recorded
// once, all of them loaded, and which of their tenants are configured.
import { insertEventStatement, loadEvents } from "../events/store.ts";
import type { NewEvent, StoredEvent } from "../events/store.ts";
import { byTenantDb } from "../tenants/placement.ts";
import type { PlacementEnv } from "../tenants/placement.ts";
import { configuredTenants } from "../tenants/store.ts";

export async function keepAndLoad(
  env: PlacementEnv,
  fresh: readonly NewEvent[],
  tenantOfEvent: ReadonlyMap<string, string>,
): Promise<{ events: StoredEvent[]; configured: Set<string> }> {
  const freshIn = byTenantDb(env, fresh, (e) => e.tenantId);
  const wantedIn = byTenantDb(env, [...tenantOfEvent], ([, tenantId]) => tenantId);
  const parts = await Promise.all(
    [...wantedIn].map(async ([db, wanted]) => {
      const mine = freshIn.get(db) ?? [];
      if (mine.length > 0) await db.batch(mine.map((e) => insertEventStatement(db, e)));
      const events = await loadEvents(db, wanted.map(([eventId]) => eventId));
      return { events, configured: await configuredTenants(db, [...new Set(events.map((e) => e.tenantId))]) };
    }),
  );
  return { events: parts.flatMap((p) => p.events), configured: new Set(parts.flatMap((p) => [...p.configured])) };
}
