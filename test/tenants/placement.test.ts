// The placement rule alone: one database by default, rendezvous hashing over DB_SHARDS (the
// order does not matter, a new shard takes only tenants of its own), pins, and a clear error
// for a binding that is not there.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { directoryDb, everyDb, tenantBinding, tenantDb } from "../../src/tenants/placement.ts";
import { uniqueTenantId } from "../helpers/ids.ts";

// One D1 object under several names: the rule returns names, which is what is checked here.
const bound = (vars: { DB_SHARDS?: string; DB_PINS?: string }) => ({ DB: env.DB, DB_1: env.DB, DB_2: env.DB, ...vars });
const ids = Array.from({ length: 600 }, () => uniqueTenantId());

describe("placement", () => {
  it("without DB_SHARDS every tenant, the directory and the cron's passes use DB, as before", () => {
    const plain = bound({});
    expect(new Set(ids.map((id) => tenantBinding(plain, id)))).toEqual(new Set(["DB"]));
    expect(tenantDb(plain, ids[0] ?? "")).toBe(env.DB);
    expect(directoryDb(plain)).toBe(env.DB);
    expect(everyDb(plain)).toEqual([env.DB]);
  });

  it("spreads tenants over DB_SHARDS whatever its order, and a shard added takes only tenants of its own", () => {
    const two = ids.map((id) => tenantBinding(bound({ DB_SHARDS: "DB,DB_1" }), id));
    expect(ids.map((id) => tenantBinding(bound({ DB_SHARDS: " DB_1 , DB " }), id))).toEqual(two);
    expect(two.filter((b) => b === "DB_1").length).toBeGreaterThan(200);
    const three = ids.map((id) => tenantBinding(bound({ DB_SHARDS: "DB,DB_1,DB_2" }), id));
    const moved = three.filter((b, i) => b !== two[i]);
    expect(new Set(moved)).toEqual(new Set(["DB_2"]));
    expect(moved.length).toBeGreaterThan(100);
    expect(moved.length).toBeLessThan(300);
  });

  it("a pinned tenant stays where its pin says, and the pin's binding is among every database", () => {
    const id = ids.find((i) => tenantBinding(bound({ DB_SHARDS: "DB,DB_1" }), i) === "DB_1") ?? "";
    expect(tenantBinding(bound({ DB_SHARDS: "DB,DB_1", DB_PINS: `${id}=DB` }), id)).toBe("DB");
    expect(tenantBinding(bound({ DB_SHARDS: "DB", DB_PINS: `ha-1=DB_2, ${id} = DB_1` }), id)).toBe("DB_1");
  });

  it("a binding named but not bound, or a malformed pin, is a clear error", () => {
    expect(() => tenantDb(bound({ DB_SHARDS: "DB,DB_9" }), "ha-1")).toThrow("DB_9 (named in DB_SHARDS or DB_PINS) is not a D1 binding of this Worker");
    expect(() => everyDb(bound({ DB_SHARDS: "DB,ADMIN_TOKEN" }))).toThrow("ADMIN_TOKEN");
    expect(() => tenantDb(bound({ DB_PINS: "ha-1" }), "ha-1")).toThrow('DB_PINS: "ha-1" is not tenant=BINDING');
    expect(() => tenantDb(bound({ DB_PINS: "ha-1=DB=DB_1" }), "ha-1")).toThrow("is not tenant=BINDING");
    expect(() => tenantDb(bound({ DB_SHARDS: " , " }), "ha-1")).toThrow("DB_SHARDS names no D1 binding");
  });
});
