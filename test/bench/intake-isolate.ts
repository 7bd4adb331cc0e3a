// Benchmark (not a test): the webhook intake's own CPU per request inside one workerd
// isolate, with no HTTP and no queue emulator in the way: the Worker's fetch is called
// in a loop on prepared signed requests, with a queue binding that only records the
// message. Side by side, in alternating batches: the Worker now, the Worker at a git
// commit (e.g. main), and the floor (the body read, one message of the intake's size).
// On a shared machine the fastest batch of each is kept: the least disturbed is the
// closest to the code's own cost.
// Usage: node test/bench/intake-isolate.ts [--baseline main --requests 2000 --batches 10]
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { signedClosedEvents } from "./intake-requests.ts";
import { bundleAt, bundleWorker } from "./runtime.ts";
import { benchSecrets } from "./secrets.ts";

const { values } = parseArgs({
  options: {
    baseline: { type: "string", default: "main" },
    requests: { type: "string", default: "2000" },
    batches: { type: "string", default: "10" },
  },
});
const REQUESTS = Number(values.requests);
const BATCHES = Number(values.batches);
const SECRETS = benchSecrets();

// Runs in workerd. Time there only moves across I/O, so each batch is bracketed by a timer.
const HARNESS = `
import now from "./now/index.js";
import base from "./base/index.js";
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
export default {
  async fetch(request, env, ctx) {
    const { deliveries, batches } = await request.json();
    const sent = [];
    const queue = { send: async (m) => { sent.push(m); }, sendBatch: async (ms) => { sent.push(...ms); } };
    const workerEnv = { ...env, CONVERSATION_QUEUE: queue };
    const floor = { async fetch(req) {
      const body = await req.text();
      await queue.send({ kind: "event", tenantId: "ha-3291", event: body, correlationId: req.headers.get("x-iadvize-correlationid"), deliveryId: null, receivedAt: new Date().toISOString() });
      return new Response('{"status":"accepted"}', { headers: { "content-type": "application/json" } });
    } };
    const requestOnly = { async fetch() { return new Response("{}"); } };
    // Diagnostic: the intake with console.log silenced, to show what its one log line costs.
    const quiet = { async fetch(req, e, c) {
      const log = console.log;
      console.log = () => {};
      try { return await now.fetch(req, e, c); } finally { console.log = log; }
    } };
    const handlers = { requestOnly, floor, now, quiet, base };
    const us = Object.fromEntries(Object.keys(handlers).map((k) => [k, []]));
    const names = Object.keys(handlers);
    for (let b = 0; b < batches; b++) {
      for (const name of b % 2 ? [...names].reverse() : names) {
        await tick();
        const t0 = performance.now();
        for (const d of deliveries) {
          const res = await handlers[name].fetch(new Request("https://connector.bench/webhooks/iadvize", { method: "POST", headers: d.headers, body: d.body }), workerEnv, ctx);
          if (res.status !== 200) throw new Error(name + " answered " + res.status + " " + (await res.text()));
          await res.arrayBuffer();
        }
        await tick();
        us[name].push(((performance.now() - t0) * 1000) / deliveries.length);
      }
    }
    return Response.json({ us, sent: sent.length });
  },
};`;

const outdir = mkdtempSync(join(tmpdir(), "connector-isolate-"));
try {
  bundleWorker(join(outdir, "now"));
  // The baseline bundle, moved where the harness imports it.
  renameSync(bundleAt(values.baseline, join(outdir, "baseline")), join(outdir, "base.js"));
  mkdirSync(join(outdir, "base"));
  renameSync(join(outdir, "base.js"), join(outdir, "base", "index.js"));
  writeFileSync(join(outdir, "harness.js"), HARNESS);
  const mf = new Miniflare({
    ...convertV4MiniflareOptions({
      workers: [
        {
          name: "harness",
          // Each module listed: the harness, and the two bundles it imports.
          modules: [
            { type: "ESModule", path: join(outdir, "harness.js") },
            { type: "ESModule", path: join(outdir, "now", "index.js") },
            { type: "ESModule", path: join(outdir, "base", "index.js") },
          ],
          modulesRoot: outdir,
          compatibilityDate: "2026-11-01",
          compatibilityFlags: ["nodejs_compat"],
          bindings: SECRETS,
        },
      ],
    }),
    handleStructuredLogs: () => undefined,
  });
  try {
    const deliveries = await signedClosedEvents(SECRETS.IADVIZE_WEBHOOK_SECRET, REQUESTS);
    // One warm-up batch, not counted.
    await (await mf.dispatchFetch("http://harness/", { method: "POST", body: JSON.stringify({ deliveries: deliveries.slice(0, 500), batches: 2 }) })).arrayBuffer();
    const res = await mf.dispatchFetch("http://harness/", { method: "POST", body: JSON.stringify({ deliveries, batches: BATCHES }) });
    if (!res.ok) throw new Error(`harness answered ${res.status}: ${await res.text()}`);
    const { us } = (await res.json()) as { us: Record<string, number[]> };
    const best = (k: string) => Math.min(...(us[k] ?? [Number.NaN]));
    const median = (k: string) => [...(us[k] ?? [])].sort((a, b) => a - b)[Math.floor((us[k]?.length ?? 0) / 2)] ?? Number.NaN;
    const label = { requestOnly: "Request made, nothing read", floor: "floor (body read, message)", now: "intake (this tree)", quiet: "  same, console.log silenced", base: `intake@${values.baseline}` } as Record<string, string>;
    const lines = [`intake in one workerd isolate: ${BATCHES} batches x ${REQUESTS} requests each, µs per request (fastest batch, median batch)`];
    for (const k of ["requestOnly", "floor", "now", "quiet", "base"]) lines.push(`${(label[k] ?? k).padEnd(30)} ${best(k).toFixed(1).padStart(7)}  ${median(k).toFixed(1).padStart(7)}`);
    lines.push(`intake above the floor: ${(best("now") - best("floor")).toFixed(1)} µs now, ${(best("base") - best("floor")).toFixed(1)} µs at ${values.baseline} (fastest batches)`);
    process.stdout.write(lines.join("\n") + "\n");
  } finally {
    await mf.dispose();
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
