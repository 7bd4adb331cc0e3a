// The env the tests run with is wrangler.toml's and vitest.config.ts's, never a
// developer's .dev.vars (test/node/dev-vars.test.ts runs this file with a poisoned one).
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { POISONED_DEV_VARS } from "./helpers/dev-vars-poison.ts";
import { TEST_SECRETS } from "./helpers/secrets.ts";

it("has none of a .dev.vars's values: the test secrets, and defaults left unset", () => {
  const seen: Record<string, unknown> = { ...env };
  for (const [name, value] of Object.entries(POISONED_DEV_VARS)) expect(seen[name], name).not.toBe(value);
  expect(seen).not.toHaveProperty("DEV_VARS_ONLY");
  expect(seen).not.toHaveProperty("SYNC_GIVE_UP_HOURS");
  expect(seen.ADMIN_TOKEN).toBe(TEST_SECRETS.ADMIN_TOKEN);
});
