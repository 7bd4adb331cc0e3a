// The workerd tests never read a developer's .dev.vars: with a poisoned one in the
// repository's root, test/dev-vars.test.ts still sees only the test env. The file is
// removed afterwards (or a developer's own put back).
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { POISONED_DEV_VARS } from "../helpers/dev-vars-poison.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const RUN_WITHIN_MS = 150_000;

function vitestRun(file: string): Promise<{ code: number | null; output: string }> {
  // A clean run of its own, not a part of this one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST") && name !== "NODE_ENV"));
  const child = spawn(join(ROOT, "node_modules/.bin/vitest"), ["run", "--config", "vitest.config.ts", file], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (output += c.toString("utf8")));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`vitest did not end within ${RUN_WITHIN_MS} ms:\n${output}`));
    }, RUN_WITHIN_MS);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

it("a poisoned .dev.vars in the root changes nothing the workerd tests see, and is not even read", { timeout: RUN_WITHIN_MS + 10_000 }, async () => {
  const path = join(ROOT, ".dev.vars");
  const own = existsSync(path) ? readFileSync(path) : undefined;
  writeFileSync(path, Object.entries(POISONED_DEV_VARS).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
  try {
    const run = await vitestRun("test/dev-vars.test.ts");
    expect(run.output).toMatch(/1 passed/);
    expect(run.output).not.toContain("Using secrets defined in .dev.vars");
    expect(run.code).toBe(0);
  } finally {
    if (own) writeFileSync(path, own);
    else rmSync(path, { force: true });
  }
});
