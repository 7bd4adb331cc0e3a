// The Worker as `npm start` runs it (wrangler dev with test/demo/wrangler-dev.ts's settings),
// on a free port, with the test secrets from a file of its own, never the repository's
// .dev.vars; resolved once wrangler says it is ready.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../demo/ports.ts";
import { wranglerDev } from "../demo/wrangler-dev.ts";
import { TEST_SECRETS } from "../helpers/secrets.ts";

export interface LocalWorker {
  port: number;
  /** Miniflare's cache folder for this run (empty at the start). */
  cacheDir: string;
  /** What wrangler printed, for the tests that read it. */
  output(): string;
  stop(): Promise<void>;
}

export async function startLocalWorker(readyWithinMs: number): Promise<LocalWorker> {
  const folder = mkdtempSync(join(tmpdir(), "connector-local-"));
  const envFile = join(folder, "secrets.env");
  writeFileSync(envFile, Object.entries(TEST_SECRETS).map(([k, v]) => `${k}=${v}`).join("\n"));
  const cacheDir = join(folder, "miniflare-cache");
  // NODE_ENV as in a developer's shell: vitest's "test" would make Miniflare skip the Request.cf download by itself.
  const port = await freePort();
  const child = wranglerDev({ port, persist: folder, vars: {}, envFile, env: { MINIFLARE_CACHE_DIR: cacheDir, NODE_ENV: "development" }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const stop = async () => {
    await exited(child);
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`wrangler dev was not ready within ${readyWithinMs} ms:\n${output}`)), readyWithinMs);
      const read = (chunk: Buffer) => {
        output += chunk.toString("utf8");
        if (output.includes("Ready on http")) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on("data", read);
      child.stderr?.on("data", read);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`wrangler dev ended (${code}):\n${output}`));
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, cacheDir, output: () => output, stop };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
