// The test Worker's env and exports: the app's bindings plus what the test setup adds.
import type { D1Migration } from "cloudflare:test";
import type { Bindings } from "../src/env.ts";

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {
      TEST_MIGRATIONS: D1Migration[];
      /** The second database of vitest.shards.config.ts. */
      DB_1?: D1Database;
      TEST_SALESFORCE_URL: string;
      TEST_CALLCENTRE_URL: string;
      TEST_SMS_URL: string;
      TEST_MESSAGING_URL: string;
    }
    interface GlobalProps {
      mainModule: typeof import("../src/index.ts");
    }
  }
}
