// `npm start`'s edges for a newcomer: a port in use ends in one line naming it and PORT
// (not an EADDRINUSE stack trace), and the demo's temporary folder is removed however
// the demo ends (Ctrl-C, SIGTERM, or by itself).
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import type { Server } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { firstPortInUse, freePort, portInUse, portInUseMessage } from "../demo/ports.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
/** Bound on a child process's end; it needs far less. */
const EXIT_WITHIN_MS = 20_000;

const listening: Server[] = [];
afterEach(async () => {
  await Promise.all(listening.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

async function occupy(port: number): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve) => {
    // Someone else's already: busy either way.
    server.once("error", () => resolve());
    server.listen(port, "127.0.0.1", () => {
      listening.push(server);
      resolve();
    });
  });
}

function run(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`did not end within ${EXIT_WITHIN_MS} ms:\n${stdout}${stderr}`));
    }, EXIT_WITHIN_MS);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("npm start: ports", () => {
  it("names the first port in use, and how to move the demo", async () => {
    const base = await freePort();
    await occupy(base + 2);
    expect(await portInUse(base + 2)).toBe(true);
    const needed = [0, 1, 2, 3, 4].map((i) => ({ port: base + i, what: `service ${i}` }));
    const busy = await firstPortInUse(needed);
    expect(busy?.port).toBe(base + 2);
    const message = portInUseMessage(busy ?? { port: 0, what: "" }, base, 5);
    expect(message).toContain(`port ${base + 2} (service 2) is already in use`);
    expect(message).toMatch(/PORT=\d+ npm start/);
    expect(message).not.toContain("\n");
  });

  it("the start script, with an emulator's port taken: one line on stderr, exit 1, no stack trace, nothing written", async () => {
    const devVars = join(ROOT, ".dev.vars");
    const hadDevVars = existsSync(devVars);
    const base = await freePort();
    await occupy(base + 1);
    try {
      const result = await run(spawn(process.execPath, [join(ROOT, "test/demo/start.ts")], { cwd: ROOT, env: { ...process.env, PORT: String(base) }, stdio: ["ignore", "pipe", "pipe"] }));
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`port ${base + 1} (the iAdvize emulator) is already in use`);
      expect(lines[0]).toContain("PORT=");
      expect(result.stderr).not.toMatch(/EADDRINUSE|\n\s+at /);
      expect(result.stdout).toBe("");
      expect(existsSync(devVars)).toBe(hadDevVars);
    } finally {
      if (!hadDevVars) rmSync(devVars, { force: true });
    }
  });
});

describe("npm start: the temporary folder", () => {
  /** A process that makes the demo's folder and stop handling, prints the folder, then ends as `end` says. */
  const script = (end: "wait" | "exit") =>
    `import { onStopSignal, scratchFolder } from ${JSON.stringify(join(ROOT, "test/demo/scratch.ts"))};
     const folder = scratchFolder("connector-scratch-test-");
     onStopSignal(async () => undefined);
     process.stdout.write(folder + "\\n");
     ${end === "wait" ? "setInterval(() => undefined, 1000);" : ""}`;

  for (const ending of ["SIGINT", "SIGTERM", "exit"] as const) {
    it(`is removed on ${ending === "exit" ? "a normal exit" : ending}`, async () => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script(ending === "exit" ? "exit" : "wait")], { stdio: ["ignore", "pipe", "pipe"] });
      const folder = await new Promise<string>((resolve) => child.stdout.once("data", (c: Buffer) => resolve(c.toString("utf8").trim())));
      const ended = run(child);
      if (ending !== "exit") {
        expect(existsSync(folder)).toBe(true);
        child.kill(ending);
      }
      expect((await ended).code).toBe(0);
      expect(existsSync(folder)).toBe(false);
    });
  }
});
