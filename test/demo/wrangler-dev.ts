// How `npm start` runs the Worker: wrangler dev on 127.0.0.1, local D1 and Queues kept in
// a folder of its own, offline. Shared by the start script and the tests of what it serves.
import { spawn } from "node:child_process";
import type { ChildProcess, StdioOptions } from "node:child_process";
import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;
export const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");

/**
 * What wrangler runs with: no metrics; no draining of unread request bodies (wrangler
 * dev's own middleware reads every body to its end before answering, so a 413 for a
 * declared 300,000 bytes waited for them all, while the Worker answers at once); and
 * Miniflare's local `Request.cf` placeholder instead of downloading the real one, which
 * offline printed a stack trace at each start.
 */
export const DEV_ENV = {
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_DISABLE_REQUEST_BODY_DRAINING: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
} as const;

export const devEnv = (): NodeJS.ProcessEnv => ({ ...process.env, ...DEV_ENV });

export interface WranglerDevOptions {
  port: number;
  /** Where local D1 and Queues live. */
  persist: string;
  vars: Record<string, string>;
  /** Secrets from this file instead of the repository's .dev.vars (for tests). */
  envFile?: string;
  /** More environment for wrangler (for tests). */
  env?: Record<string, string>;
  stdio: StdioOptions;
}

export function wranglerDev(opts: WranglerDevOptions): ChildProcess {
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(opts.port), "--persist-to", opts.persist];
  for (const [name, value] of Object.entries(opts.vars)) args.push("--var", `${name}:${value}`);
  if (opts.envFile) args.push("--env-file", opts.envFile);
  return spawn(WRANGLER, args, { cwd: ROOT, stdio: opts.stdio, env: { ...devEnv(), ...opts.env } });
}
