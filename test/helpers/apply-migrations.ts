// Applies the D1 migrations before the tests of each file, to every D1 database bound (DB, and DB_1 when sharded).
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
if (env.DB_1) await applyD1Migrations(env.DB_1, env.TEST_MIGRATIONS);
