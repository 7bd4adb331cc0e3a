// `npm run redrive -- <tenantId>`: brings back a tenant's dead events and failed
// conversations (after the cause is fixed: credentials, mapping, a validation rule).
// CONNECTOR_URL (default http://127.0.0.1:8787, the local Worker) and ADMIN_TOKEN
// (default: the one in .dev.vars) say which Worker.
import { existsSync, readFileSync } from "node:fs";

const tenantId = process.argv[2];
if (!tenantId || !/^(ha|sd)-\d+$/.test(tenantId)) {
  process.stderr.write("usage: npm run redrive -- <tenantId, e.g. ha-123>\n");
  process.exit(2);
}
const base = (process.env.CONNECTOR_URL ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
const devVars = existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "";
const token = process.env.ADMIN_TOKEN ?? /^ADMIN_TOKEN=(.*)$/m.exec(devVars)?.[1]?.trim();
if (!token) {
  process.stderr.write("redrive needs ADMIN_TOKEN in the environment (or in .dev.vars).\n");
  process.exit(2);
}
try {
  const res = await fetch(`${base}/admin/api/tenants/${tenantId}/redrive`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
  process.stdout.write(`${res.status} ${await res.text()}\n`);
  process.exit(res.ok ? 0 : 1);
} catch {
  process.stderr.write(`redrive: cannot reach ${base}\n`);
  process.exit(1);
}
