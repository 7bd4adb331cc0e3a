// Benchmark (not a test): the escalation endpoint's own overhead. In the same run,
// alternating rounds: a bot's request through the Worker (workerd, local D1, the
// generic webhook provider) to a call-centre emulator that answers at once, against the
// same callback request sent straight to that emulator. Overhead = through − direct.
// Usage: npm run bench:escalation [-- --requests 300 --rounds 3]
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { startCallCentreEmulator } from "../emulators/callcentre/server.ts";
import { measureOverhead } from "./overhead.ts";
import { startConnector } from "./runtime.ts";
import { benchSecrets } from "./secrets.ts";

const { values } = parseArgs({ options: { requests: { type: "string", default: "300" }, rounds: { type: "string", default: "3" } } });
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);
const SECRETS = benchSecrets();
const KEY = `esc_${crypto.randomUUID().replaceAll("-", "")}`;

const callcentre = await startCallCentreEmulator();
callcentre.accounts.set("bench", { secret: "bench-secret" });
const outdir = mkdtempSync(join(tmpdir(), "connector-bench-"));
const { mf, url } = await startConnector({ outdir, secrets: { ...SECRETS, ALLOW_TEST_ORIGINS: callcentre.url }, consumers: false });
const host = "connector.bench";

let serial = 0;
/** A different French mobile number each time, so neither the repeat window nor the limits apply. */
const nextPhone = () => {
  const n = String(10_000_000 + serial++).slice(-8);
  return `06${n}`;
};

async function timed(pool: Pool, opts: Parameters<Pool["request"]>[0]): Promise<number> {
  const t0 = performance.now();
  const res = await pool.request(opts);
  const text = await res.body.text();
  const ms = performance.now() - t0;
  if (res.statusCode >= 300 || (text.startsWith('{"status"') && !text.includes('"scheduled"'))) throw new Error(`answered ${res.statusCode}: ${text.slice(0, 200)}`);
  return ms;
}

try {
  const admin = await fetch(new URL(`/admin/api/tenants/ha-9001`, url.origin), {
    method: "PUT",
    headers: { host, authorization: `Bearer ${SECRETS.ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({
      escalation: {
        key: KEY,
        provider: { type: "webhook", url: `${callcentre.url}/webhook/bench`, secret: "bench-secret" },
        defaultCountry: "FR",
        allowedCountries: ["FR"],
        perNumberPerDay: 100,
        perTenantPerMinute: 10000,
      },
    }),
  });
  if (admin.status !== 201) throw new Error(`tenant setup answered ${admin.status}`);

  const viaPool = new Pool(url.origin, { connections: 1 });
  const directPool = new Pool(callcentre.url, { connections: 1 });
  const via = () => timed(viaPool, { method: "GET", path: `/escalations/${KEY}/callback?phone=${nextPhone()}&conversationId=${crypto.randomUUID()}`, headers: { host } });
  const direct = () => {
    const body = JSON.stringify({ type: "callback.requested", id: crypto.randomUUID(), tenantId: "ha-9001", phone: `+33${nextPhone().slice(1)}`, language: "fr" });
    const signature = `sha256=${createHmac("sha256", "bench-secret").update(body).digest("hex")}`;
    return timed(directPool, { method: "POST", path: "/webhook/bench", headers: { "content-type": "application/json", "x-connector-signature": signature, "idempotency-key": crypto.randomUUID() }, body });
  };

  process.stdout.write(await measureOverhead("escalation endpoint vs direct call to the provider emulator", via, direct, ROUNDS, REQUESTS));
  await viaPool.close();
  await directPool.close();
} finally {
  await mf.dispose();
  await callcentre.close();
  rmSync(outdir, { recursive: true, force: true });
}
