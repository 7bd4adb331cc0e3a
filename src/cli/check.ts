// `npm run check -- <tenantId>`: the preflight of a tenant as a readable checklist;
// exits 1 when a check failed (warnings pass), 2 on a usage error.
// CONNECTOR_URL (default http://127.0.0.1:8787, the local Worker) and ADMIN_TOKEN
// (default: the one in .dev.vars) say which Worker.
import { existsSync, readFileSync } from "node:fs";

interface Check {
  id: string;
  status: "ok" | "warning" | "failed" | "skipped";
  code: string;
  message: string;
  hint?: string;
}

const tenantId = process.argv[2];
if (!tenantId || !/^(ha|sd)-\d+$/.test(tenantId)) {
  process.stderr.write("usage: npm run check -- <tenantId, e.g. ha-123>\n");
  process.exit(2);
}
const base = (process.env.CONNECTOR_URL ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
const devVars = existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "";
const token = process.env.ADMIN_TOKEN ?? /^ADMIN_TOKEN=(.*)$/m.exec(devVars)?.[1]?.trim();
if (!token) {
  process.stderr.write("check needs ADMIN_TOKEN in the environment (or in .dev.vars).\n");
  process.exit(2);
}

const MARK: Record<Check["status"], string> = { ok: "ok  ", warning: "WARN", failed: "FAIL", skipped: "skip" };

/** The checklist as text: one line per check, its hint below when it did not pass. */
function render(id: string, answer: { ok: boolean; checkedAt: string; checks: Check[] }): string {
  const width = Math.max(...answer.checks.map((c) => c.id.length));
  const lines = [`Preflight of ${id} at ${answer.checkedAt}`];
  for (const c of answer.checks) {
    lines.push(`  [${MARK[c.status]}] ${c.id.padEnd(width)}  ${c.message}`);
    if (c.hint && c.status !== "ok") lines.push(`         ${" ".repeat(width)}  → ${c.hint}`);
  }
  const count = (s: Check["status"]) => answer.checks.filter((c) => c.status === s).length;
  lines.push(`${answer.ok ? "READY" : "NOT READY"}: ${count("ok")} ok, ${count("warning")} warning(s), ${count("failed")} failed, ${count("skipped")} skipped`);
  return `${lines.join("\n")}\n`;
}

try {
  const res = await fetch(`${base}/admin/api/tenants/${tenantId}/check`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (!res.ok) {
    process.stderr.write(`check: ${res.status} ${text}\n`);
    process.exit(1);
  }
  const answer = JSON.parse(text) as { ok: boolean; checkedAt: string; checks: Check[] };
  process.stdout.write(render(tenantId, answer));
  process.exit(answer.ok ? 0 : 1);
} catch {
  process.stderr.write(`check: cannot reach ${base}\n`);
  process.exit(1);
}
