// `npm run schema:pull`: replaces graphql/schema.graphql with the live iAdvize schema.
// Needs an iAdvize API user: IADVIZE_EMAIL and IADVIZE_PASSWORD in the environment
// (never on the command line, where they would stay in the shell history).
// Optional: IADVIZE_API_URL (default https://api.iadvize.com), IADVIZE_PLATFORM (ha or sd).
import { writeFileSync } from "node:fs";
import { pullSchema } from "../iadvize/introspect.ts";
import { realSleep } from "../lib/retry.ts";

const email = process.env.IADVIZE_EMAIL;
const password = process.env.IADVIZE_PASSWORD;
if (!email || !password) {
  process.stderr.write("schema:pull needs IADVIZE_EMAIL and IADVIZE_PASSWORD in the environment.\n");
  process.exit(2);
}
const baseUrl = (process.env.IADVIZE_API_URL ?? "https://api.iadvize.com").replace(/\/+$/, "");
const platform = process.env.IADVIZE_PLATFORM === "sd" ? "sd" : "ha";
const target = new URL("../../graphql/schema.graphql", import.meta.url).pathname;

try {
  const sdl = await pullSchema({ fetch, sleep: realSleep }, baseUrl, { username: email, password }, platform);
  writeFileSync(target, sdl);
  process.stdout.write(`wrote ${target}; now run npm run codegen, and check the operations in graphql/operations still validate.\n`);
} catch (err) {
  process.stderr.write(`schema:pull failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
