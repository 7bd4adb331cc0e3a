// `npm run backfill -- <tenantId> --from 2026-01-01 --to 2026-11-01 [--dry-run]`: starts a
// history backfill in the Worker (or follows the one under way) and shows its progress
// until it ends; `--status` only follows, `--cancel` stops it. The work runs in the
// Worker: leaving this command does not stop it. CONNECTOR_URL (default
// http://127.0.0.1:8787) and ADMIN_TOKEN (default: the one in .dev.vars) say which Worker.
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { rangeProblem } from "../backfill/range.ts";
import { progressLine, summary } from "./progress-bar.ts";
import type { ProgressLine } from "./progress-bar.ts";

const USAGE = "usage: npm run backfill -- <tenantId> --from <date> --to <date> [--dry-run] | <tenantId> --status | <tenantId> --cancel\n";
let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: { from: { type: "string" }, to: { type: "string" }, "dry-run": { type: "boolean" }, status: { type: "boolean" }, cancel: { type: "boolean" } },
  });
}
try {
  args = parse();
} catch {
  process.stderr.write(USAGE);
  process.exit(2);
}
const tenantId = args.positionals[0];
const { from, to, status: statusOnly, cancel } = args.values;
if (!tenantId || !/^(ha|sd)-\d+$/.test(tenantId) || (!statusOnly && !cancel && (!from || !to))) {
  process.stderr.write(USAGE);
  process.exit(2);
}
if (from && to && !statusOnly && !cancel) {
  // The Worker refuses it too (400); said here before anything is sent.
  const problem = Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to)) ? "from and to must be dates (2026-01-01) or ISO 8601 instants." : rangeProblem(new Date(from), new Date(to), new Date());
  if (problem) {
    process.stderr.write(`backfill: ${problem}\n`);
    process.exit(2);
  }
}
const base = (process.env.CONNECTOR_URL ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
const devVars = existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "";
const token = process.env.ADMIN_TOKEN ?? /^ADMIN_TOKEN=(.*)$/m.exec(devVars)?.[1]?.trim();
if (!token) {
  process.stderr.write("backfill needs ADMIN_TOKEN in the environment (or in .dev.vars).\n");
  process.exit(2);
}
const url = `${base}/admin/api/tenants/${tenantId}/backfill`;
const headers = { authorization: `Bearer ${token}` };

async function call(method: string, body?: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method, headers: body === undefined ? headers : { ...headers, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, text: await res.text() };
}

const backfillOf = (text: string) => (JSON.parse(text) as { backfill: ProgressLine }).backfill;
const tty = process.stdout.isTTY;
let last = "";
function show(p: ProgressLine) {
  const line = progressLine(p);
  if (line === last) return;
  last = line;
  process.stdout.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
}

process.on("SIGINT", () => {
  process.stdout.write(`\nThe backfill goes on in the Worker: follow it with \`npm run backfill -- ${tenantId} --status\`, stop it with \`--cancel\`.\n`);
  process.exit(130);
});

try {
  if (cancel) {
    const r = await call("DELETE");
    process.stdout.write(r.status === 200 ? `${summary(backfillOf(r.text))}\n` : `${r.status} ${r.text}\n`);
    process.exit(r.status === 200 ? 0 : 1);
  }
  if (!statusOnly) {
    const r = await call("POST", { from, to, dryRun: args.values["dry-run"] === true });
    if (r.status === 409) process.stdout.write("A backfill of this tenant is under way: following it.\n");
    else if (r.status !== 202) {
      process.stderr.write(`backfill: ${r.status} ${r.text}\n`);
      process.exit(1);
    }
  }
  for (;;) {
    const r = await call("GET");
    if (r.status !== 200) {
      process.stderr.write(`\nbackfill: ${r.status} ${r.text}\n`);
      process.exit(1);
    }
    const p = backfillOf(r.text);
    show(p);
    if (p.status === "done" || p.status === "cancelled") {
      process.stdout.write(`\n${summary(p)}\n`);
      process.exit(p.status === "done" ? 0 : 1);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
} catch {
  process.stderr.write(`\nbackfill: cannot reach ${base}\n`);
  process.exit(1);
}
