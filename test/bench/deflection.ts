// Benchmark (not a test): the call-to-messaging endpoint's own overhead. In the same run,
// alternating rounds: an IVR's request through the Worker (workerd, local D1, the Quiq
// provider, notify) to the messaging emulator answering at once, against the same notify
// request sent straight to that emulator. Overhead = through − direct.
// Usage: npm run bench:deflection [-- --requests 300 --rounds 3]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { startMessagingEmulator } from "../emulators/messaging/server.ts";
import { measureOverhead } from "./overhead.ts";
import { startConnector } from "./runtime.ts";
import { benchSecrets } from "./secrets.ts";

const { values } = parseArgs({ options: { requests: { type: "string", default: "300" }, rounds: { type: "string", default: "3" } } });
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);
const SECRETS = benchSecrets();
const KEY = `dfl_${crypto.randomUUID().replaceAll("-", "")}`;

const messaging = await startMessagingEmulator();
messaging.accounts.set("bench", { key: "bench-key", secret: "bench-secret" });
const outdir = mkdtempSync(join(tmpdir(), "connector-bench-"));
const { mf, url } = await startConnector({ outdir, secrets: { ...SECRETS, ALLOW_TEST_ORIGINS: messaging.url }, consumers: false });
const host = "connector.bench";

let serial = 0;
/** A different French mobile number each time, so the per-number limit never applies. */
const nextPhone = () => `06${String(10_000_000 + serial++).slice(-8)}`;

async function timed(pool: Pool, opts: Parameters<Pool["request"]>[0]): Promise<number> {
  const t0 = performance.now();
  const res = await pool.request(opts);
  const text = await res.body.text();
  const ms = performance.now() - t0;
  if (res.statusCode >= 300 || (text.includes('"status"') && !text.includes('"sent"') && !text.includes('"notifications"'))) throw new Error(`answered ${res.statusCode}: ${text.slice(0, 200)}`);
  return ms;
}

try {
  const admin = await fetch(new URL(`/admin/api/tenants/ha-9002`, url.origin), {
    method: "PUT",
    headers: { host, authorization: `Bearer ${SECRETS.ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({
      deflection: {
        key: KEY,
        provider: { type: "quiq", apiUrl: `${messaging.url}/quiq/bench`, apiKey: "bench-key", apiSecret: "bench-secret" },
        channels: [{ platform: "WhatsApp", tenantHandle: "wa" }, { platform: "SMS" }],
        defaultCountry: "FR",
        allowedCountries: ["FR"],
        perNumberPerDay: 100,
        perTenantPerMinute: 10000,
      },
    }),
  });
  if (admin.status !== 201) throw new Error(`tenant setup answered ${admin.status}: ${await admin.text()}`);

  const viaPool = new Pool(url.origin, { connections: 1 });
  const directPool = new Pool(messaging.url, { connections: 1 });
  const input = { optIn: true, reason: "a damaged parcel", topic: "returns", conversationFields: { reasonForInquiry: "damaged" } };
  const via = () =>
    timed(viaPool, { method: "POST", path: `/deflections/${KEY}`, headers: { host, "content-type": "application/json" }, body: JSON.stringify({ ...input, phone: nextPhone(), callId: crypto.randomUUID() }) });
  const direct = () => {
    const phone = `+33${nextPhone().slice(1)}`;
    const body = JSON.stringify({
      contactPoint: "default",
      notifications: [{ searchInfo: { phoneNumber: phone, searchId: phone }, precedence: [{ platform: "WhatsApp", tenantHandle: "wa" }, { platform: "SMS" }], messageMap: { default: { text: "Following your call…", directives: { fieldUpdates: [{ field: "schema.conversation.custom.reasonForInquiry", value: "damaged" }] } } } }],
      topic: "returns",
    });
    return timed(directPool, { method: "POST", path: "/quiq/bench/api/v1/messaging/notify?allowMultipleSegments=true", headers: { "content-type": "application/json", authorization: `Basic ${btoa("bench-key:bench-secret")}` }, body });
  };

  process.stdout.write(await measureOverhead("deflection endpoint vs direct call to the provider emulator (Quiq notify)", via, direct, ROUNDS, REQUESTS));
  await viaPool.close();
  await directPool.close();
} finally {
  await mf.dispose();
  await messaging.close();
  rmSync(outdir, { recursive: true, force: true });
}
