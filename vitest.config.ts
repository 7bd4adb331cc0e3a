// Tests run inside workerd through the Workers Vitest integration, with the
// bindings of wrangler.toml, D1 migrations applied, test secrets, and the
// emulators of the outside services started in Node by the global setup.
// One workerd serves every file (isolate: false, see README "Test suite time"), and the
// queues deliver as soon as a message arrives instead of waiting out the batch windows
// of wrangler.toml (TEST_QUEUE_WINDOWS=production keeps them, for comparison).
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_SECRETS } from "./test/helpers/secrets.ts";
import { wranglerTomlOptions } from "./test/helpers/wrangler-options.ts";

// wrangler.toml's Worker, but not a developer's .dev.vars: the env is its [vars] and the bindings below.
const { main, workerOptions, vars, alias } = wranglerTomlOptions("./wrangler.toml");

/** The queue consumers of wrangler.toml, with a 50 ms batch window in tests (messages sent together still share a batch). */
function testQueueConsumers() {
  const consumers = workerOptions.queueConsumers ?? {};
  const entries = Array.isArray(consumers) ? consumers.map((name: string) => [name, {}] as const) : Object.entries(consumers);
  return Object.fromEntries(entries.map(([name, consumer]) => [name, { ...consumer, maxBatchTimeout: 0.05 }]));
}
/**
 * wrangler.toml's [alias] (modules replaced in the deployed bundle), replaced here too,
 * each name matched exactly as wrangler does: "csv-parse" is not "csv-parse/sync".
 */
const exactAliases = Object.entries(alias).map(([name, file]) => ({ find: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`), replacement: file }));
const productionWindows = process.env.TEST_QUEUE_WINDOWS === "production";
// TEST_D1_SHARDS=1 (vitest.shards.config.ts): a second D1 database, DB_1, with the same
// migrations, tenants spread over DB and DB_1, and only test/shards/ run.
const sharded = process.env.TEST_D1_SHARDS === "1";

export default defineConfig({
  resolve: { alias: exactAliases },
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      main,
      miniflare: {
        ...workerOptions,
        ...(productionWindows ? {} : { queueConsumers: testQueueConsumers() }),
        ...(sharded ? { d1Databases: { ...Object.fromEntries(Object.entries(workerOptions.d1Databases ?? {})), DB_1: { id: "00000000-0000-4000-8000-000000000001" } } } : {}),
        bindings: {
          ...vars,
          ...TEST_SECRETS,
          IADVIZE_API_URL: inject("iadvizeUrl"),
          TEST_MIGRATIONS: await readD1Migrations("./migrations"),
          TEST_SALESFORCE_URL: inject("salesforceUrl"),
          TEST_CALLCENTRE_URL: inject("callcentreUrl"),
          // Tenants in tests use the emulators, which are plain http on 127.0.0.1.
          ALLOW_TEST_ORIGINS: `${inject("salesforceUrl")},${inject("callcentreUrl")},${inject("smsUrl")},${inject("messagingUrl")}`,
          TEST_SMS_URL: inject("smsUrl"),
          TEST_MESSAGING_URL: inject("messagingUrl"),
          ...(sharded ? { DB_SHARDS: "DB,DB_1" } : {}),
        },
      },
    })),
  ],
  test: {
    include: sharded ? ["test/shards/**/*.test.ts"] : ["test/**/*.test.ts"],
    // The browser and Node tests run in Node, with their own config (vitest.browser.config.ts).
    exclude: ["test/browser/**", "test/node/**", "node_modules/**", ...(sharded ? [] : ["test/shards/**"])],
    globalSetup: ["./test/emulators/global-setup.ts"],
    // Files share one workerd and its D1 (every test makes its own tenant, org and ids);
    // a fresh workerd per file cost most of the suite's time.
    isolate: false,
    setupFiles: ["./test/helpers/apply-migrations.ts"],
    testTimeout: 20_000,
    silent: "passed-only",
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
  },
});
