// Where the test suite's time goes: runs `vitest run` (the workerd tests) with the JSON
// reporter and prints the wall time and, per test folder, the files, tests and the time
// its files took. With --compare it first runs the suite as it was set up before the
// shared runtime (one workerd per file, the production queue batch windows), then as it
// is now, and prints both and their ratio: one command, same machine, same moment.
// Usage: npm run test:timing [-- --compare] [-- <vitest filters>]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;
const args = process.argv.slice(2);
const compare = args.includes("--compare");
const filters = args.filter((a) => a !== "--compare");

interface JsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: { name: string; startTime: number; endTime: number; assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
}

interface Timing {
  label: string;
  wallSeconds: number;
  report: JsonReport;
}

function run(label: string, extraEnv: Record<string, string>, extraArgs: string[]): Timing {
  const dir = mkdtempSync(join(tmpdir(), "test-timing-"));
  const out = join(dir, "report.json");
  const started = performance.now();
  const result = spawnSync(
    join(ROOT, "node_modules/.bin/vitest"),
    ["run", "--reporter=json", `--outputFile=${out}`, ...extraArgs, ...filters],
    { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, ...extraEnv } },
  );
  const wallSeconds = (performance.now() - started) / 1000;
  try {
    const report = JSON.parse(readFileSync(out, "utf8")) as JsonReport;
    if (result.status !== 0) process.stderr.write(`[timing] ${label}: vitest exited with ${result.status}\n`);
    return { label, wallSeconds, report };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function perFolder(report: JsonReport): Map<string, { files: number; tests: number; seconds: number }> {
  const folders = new Map<string, { files: number; tests: number; seconds: number }>();
  for (const file of report.testResults) {
    const rel = relative(ROOT, file.name);
    const folder = rel.split("/").slice(0, 2).join("/").replace(/\.test\.ts$/, "");
    const entry = folders.get(folder) ?? { files: 0, tests: 0, seconds: 0 };
    entry.files += 1;
    entry.tests += file.assertionResults.length;
    entry.seconds += (file.endTime - file.startTime) / 1000;
    folders.set(folder, entry);
  }
  return folders;
}

function print(t: Timing): void {
  const r = t.report;
  const lines = [`${t.label}: wall ${t.wallSeconds.toFixed(1)} s; ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`];
  lines.push(`  folder                      files  tests   file-seconds`);
  const folders = [...perFolder(r)].sort((a, b) => b[1].seconds - a[1].seconds);
  for (const [name, f] of folders) {
    lines.push(`  ${name.padEnd(26)} ${String(f.files).padStart(6)} ${String(f.tests).padStart(6)} ${f.seconds.toFixed(1).padStart(14)}`);
  }
  for (const file of r.testResults) {
    for (const a of file.assertionResults) {
      if (a.status === "failed") lines.push(`  FAILED ${relative(ROOT, file.name)} > ${a.fullName}: ${(a.failureMessages[0] ?? "").split("\n")[0]}`);
    }
  }
  process.stdout.write(lines.join("\n") + "\n");
}

const timings: Timing[] = [];
if (compare) {
  // As before: a fresh workerd for every file, and the queue batch windows of wrangler.toml.
  timings.push(run("before (isolated files, production queue windows)", { TEST_QUEUE_WINDOWS: "production" }, ["--isolate"]));
}
timings.push(run("now", {}, []));
for (const t of timings) print(t);
const [before, now] = timings;
if (before && now) {
  process.stdout.write(`wall time now/before: ${(now.wallSeconds / before.wallSeconds).toFixed(2)}\n`);
}
if (timings.some((t) => t.report.numFailedTests > 0 || t.report.numPendingTests + t.report.numTodoTests > 0)) process.exitCode = 1;
