// Local secrets for `wrangler dev`: .dev.vars, created with fresh random values when
// missing, and checked with the same schema the Worker uses.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { checkConfig } from "../../src/env.ts";

const randomToken = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64url");

export function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m?.[1] && m[2] !== undefined) vars[m[1]] = m[2].replace(/^"(.*)"$/, "$1");
  }
  return vars;
}

/** Reads .dev.vars, creating it first if needed; exits with the problems if it is invalid. */
export function ensureDevVars(path: string, extra: Record<string, string> = {}): Record<string, string> {
  if (!existsSync(path)) {
    const vars = {
      IADVIZE_WEBHOOK_SECRET: randomToken(24),
      ADMIN_TOKEN: randomToken(24),
      ENCRYPTION_KEY: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64"),
      ...extra,
    };
    writeFileSync(
      path,
      "# Created by `npm start` with random values; see .dev.vars.example.\n" +
        Object.entries(vars)
          .map(([k, v]) => `${k}=${v}`)
          .join("\n") +
        "\n",
      { mode: 0o600 },
    );
  }
  const vars = parseDevVars(readFileSync(path, "utf8"));
  const checked = checkConfig(vars);
  if (!checked.ok) {
    process.stderr.write(`${path} is invalid:\n- ${checked.problems.join("\n- ")}\n`);
    process.exit(1);
  }
  return vars;
}
