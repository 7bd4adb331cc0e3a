// Where a tenant's rows live: the one place that reads the Worker's D1 bindings. A tenant's
// database (its configuration row and every row keyed by its id), the directory (the
// look-ups that find a tenant: escalation, deflection and survey keys, survey senders, and
// the rows of no tenant), and every database, for the cron's passes over all tenants.
import type { Bindings } from "../env.ts";
import { AppError } from "../errors.ts";

export type PlacementEnv = Pick<Bindings, "DB" | "DB_SHARDS" | "DB_PINS">;

interface Placement {
  /** DB_SHARDS: the bindings new tenants are spread over. */
  spread: string[];
  /** Those and the pinned ones, by name. */
  shards: Map<string, D1Database>;
  pins: Map<string, string>;
}

const placements = new WeakMap<object, Placement>();
/** Each database handed out here, to the directory of its deployment. */
const directories = new WeakMap<D1Database, D1Database>();

const isD1 = (value: unknown): value is D1Database =>
  typeof value === "object" && value !== null && "prepare" in value && typeof value.prepare === "function" && "batch" in value && typeof value.batch === "function";

/** A deployment whose placement settings do not match its bindings: 503, names only. */
const misconfigured = (message: string) => new AppError("misconfigured", message);

const list = (raw: string | undefined): string[] =>
  (raw ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v.length > 0);

/** DB_SHARDS ("DB,DB_1"; default "DB") and DB_PINS ("tenant=DB_1,…"), checked once per env object. */
function placementOf(env: PlacementEnv): Placement {
  const known = placements.get(env);
  if (known) return known;
  const bindings = new Map<string, unknown>(Object.entries(env));
  const pins = new Map(
    list(env.DB_PINS).map((pin) => {
      const [tenantId = "", binding = "", ...rest] = pin.split("=").map((v) => v.trim());
      if (!tenantId || !binding || rest.length > 0) throw misconfigured(`DB_PINS: "${pin}" is not tenant=BINDING`);
      return [tenantId, binding] as const;
    }),
  );
  const spread = env.DB_SHARDS === undefined ? ["DB"] : [...new Set(list(env.DB_SHARDS))];
  if (spread.length === 0) throw misconfigured("DB_SHARDS names no D1 binding");
  const names = [...new Set([...spread, ...pins.values()])];
  const shards = new Map<string, D1Database>();
  for (const name of names) {
    const db = bindings.get(name);
    if (!isD1(db)) throw misconfigured(`${name} (named in DB_SHARDS or DB_PINS) is not a D1 binding of this Worker`);
    shards.set(name, db);
  }
  for (const db of shards.values()) directories.set(db, env.DB);
  const placement: Placement = { spread, shards, pins };
  placements.set(env, placement);
  return placement;
}

const encoder = new TextEncoder();

/** FNV-1a, 32 bits: a stable, fast, well-spread hash of a short string (not a secret). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/**
 * The binding a tenant's rows live in: its pin when it has one (a moved tenant), else the
 * shard that scores highest for it (rendezvous hashing: the same tenant always lands on the
 * same binding, whatever the order of DB_SHARDS; adding a shard moves only the tenants that
 * now score highest on the new one, removing one moves only its own).
 */
export function tenantBinding(env: PlacementEnv, tenantId: string): string {
  const { spread, pins } = placementOf(env);
  const pinned = pins.get(tenantId);
  if (pinned !== undefined) return pinned;
  if (spread.length === 1) return spread[0] ?? "DB";
  let best = "";
  let bestScore = -1;
  for (const name of spread) {
    const score = fnv1a(`${name}/${tenantId}`);
    if (score > bestScore || (score === bestScore && name < best)) [best, bestScore] = [name, score];
  }
  return best;
}

/** The database of a tenant's rows: its configuration, events, conversations, escalations, surveys, tokens, holds. */
export function tenantDb(env: PlacementEnv, tenantId: string): D1Database {
  const db = placementOf(env).shards.get(tenantBinding(env, tenantId));
  if (!db) throw misconfigured("no D1 binding for the tenant's placement");
  return db;
}

/** The directory: the look-ups that find a tenant from a key or an address, and the rows of no tenant. */
export function directoryDb(env: PlacementEnv): D1Database {
  return env.DB;
}

/**
 * The directory of the deployment a tenant's database belongs to (the database itself when
 * it did not come from here): for the rows of no tenant that code holding only a tenant's
 * database needs, such as the phone-number hashing key every tenant's hashes must share.
 */
export function directoryOf(db: D1Database): D1Database {
  return directories.get(db) ?? db;
}

/** Every database tenants' rows live in, once each: for the passes over all tenants (cron, operator lists). */
export function everyDb(env: PlacementEnv): D1Database[] {
  return [...new Set(placementOf(env).shards.values())];
}

/** Items of several tenants (a queue batch) grouped by the database their tenant's rows live in. */
export function byTenantDb<T>(env: PlacementEnv, items: readonly T[], tenantOf: (item: T) => string): Map<D1Database, T[]> {
  const groups = new Map<D1Database, T[]>();
  for (const item of items) {
    const db = tenantDb(env, tenantOf(item));
    groups.set(db, [...(groups.get(db) ?? []), item]);
  }
  return groups;
}

/** A cross-tenant pass run on every database (in parallel), its counts added up. */
export async function inEveryDb(env: PlacementEnv, pass: (db: D1Database) => Promise<number>): Promise<number> {
  const counts = await Promise.all(everyDb(env).map(pass));
  return counts.reduce((a, b) => a + b, 0);
}
