// The workerd tests of test/shards/: vitest.config.ts with a second D1 database (DB_1) and
// tenants spread over DB and DB_1 (DB_SHARDS), to show where a tenant's rows live.
process.env.TEST_D1_SHARDS = "1";
export default (await import("./vitest.config.ts")).default;
