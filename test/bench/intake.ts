// Benchmark (not a test): the webhook intake's throughput and p50/p99 latency against an
// empty handler, all Workers in the same workerd, in the same run, in alternating rounds.
// A third Worker only sends one message to a local queue: it shows what the local Queues
// emulator itself costs, which in production is a call to another machine. A fourth, the
// floor, reads the body and sends a message of the intake's size: what any intake must do.
// Beside req/s, workerd's CPU time per request in each phase (from /proc, Linux only):
// CPU time depends far less than throughput on what else runs on a shared machine.
// The queue consumer is not attached: it runs in its own invocations in production,
// and what it does is measured by its own benchmark.
// With --baseline <commit>, the Worker as it was at that commit runs too, in the same rounds.
// With --log-floor, the floor also runs with one console.log line of the intake's size per request.
// Usage: npm run bench:intake [-- --requests 4000 --rounds 3 --concurrency 32 --baseline <commit> --log-floor]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { childPid, cpuMs } from "./cpu.ts";
import { median, percentile, runPhase } from "./load.ts";
import type { PhaseResult } from "./load.ts";
import { putBenchTenant, signedClosedEvents } from "./intake-requests.ts";
import { startConnector } from "./runtime.ts";
import { benchSecrets } from "./secrets.ts";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "4000" },
    rounds: { type: "string", default: "3" },
    concurrency: { type: "string", default: "32" },
    // A git commit whose Worker runs too, in the same workerd and rounds: before/after in one run.
    baseline: { type: "string" },
    // Adds the floor with one console.log line per request: what the intake's log line costs.
    "log-floor": { type: "boolean", default: false },
  },
});
const BASELINE = values.baseline;
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = Number(values.concurrency);

const SECRETS = benchSecrets();

// The empty handler answers what the intake answers, without reading the request.
const EMPTY_WORKER = `export default { fetch() { return new Response('{"status":"accepted"}', { headers: { "content-type": "application/json" } }); } };`;
const QUEUE_ONLY_WORKER = `export default { async fetch(request, env) {
  await env.Q.send({ kind: "stored", eventId: "bench", tenantId: "ha-1" });
  return new Response('{"status":"accepted"}', { headers: { "content-type": "application/json" } });
} };`;
// The floor: the body read and one message of the intake's shape and size sent, nothing else.
const FLOOR_WORKER = `export default { async fetch(request, env) {
  const body = await request.text();
  await env.Q.send({ kind: "event", tenantId: "ha-3291", event: body, correlationId: request.headers.get("x-iadvize-correlationid"), deliveryId: null, receivedAt: new Date().toISOString() });
  return new Response('{"status":"accepted"}', { headers: { "content-type": "application/json" } });
} };`;
const LOG_LINE = `JSON.stringify({ level: "info", event: "webhook.accepted", requestId: crypto.randomUUID(), eventId: crypto.randomUUID(), eventType: "conversation.closed" })`;
const LOG_FLOOR_WORKER = FLOOR_WORKER.replace("const body = await request.text();", `const body = await request.text();\n  console.log(${LOG_LINE});`);
const HOSTS = { empty: "empty.bench", queue: "queue-only.bench", floor: "floor.bench", logFloor: "log-floor.bench", intake: "connector.bench", baseline: "connector-baseline.bench" } as const;
type Handler = keyof typeof HOSTS;
const HANDLERS: Handler[] = [
  "empty",
  "queue",
  "floor",
  ...(values["log-floor"] ? (["logFloor"] as const) : []),
  "intake",
  ...(BASELINE ? (["baseline"] as const) : []),
];

function check(name: string, result: PhaseResult): void {
  const ok = result.statuses.get(200) ?? 0;
  if (ok !== result.requests) {
    throw new Error(`${name}: ${result.requests - ok} of ${result.requests} answers were not 200: ${JSON.stringify([...result.statuses])}`);
  }
}

// A plain Worker on its own host, with a local queue of its own bound as Q.
function queueWorker(name: string, script: string, host: string) {
  return { name, modules: true, script, routes: [`${host}/*`], compatibilityDate: "2026-11-01", queueProducers: { Q: { queueName: `bench-${name}` } } };
}

const outdir = mkdtempSync(join(tmpdir(), "connector-bench-"));
const { mf, url } = await startConnector({
  outdir,
  secrets: SECRETS,
  consumers: false,
  ...(BASELINE ? { baseline: { ref: BASELINE, host: HOSTS.baseline } } : {}),
  others: [
    { name: "empty", modules: true, script: EMPTY_WORKER, routes: [`${HOSTS.empty}/*`], compatibilityDate: "2026-11-01" },
    queueWorker("queue-only", QUEUE_ONLY_WORKER, HOSTS.queue),
    queueWorker("floor", FLOOR_WORKER, HOSTS.floor),
    queueWorker("log-floor", LOG_FLOOR_WORKER, HOSTS.logFloor),
  ],
});
try {
  const origin = url.origin;
  // A configured tenant, so the queue consumer does its real work during the run.
  await putBenchTenant(origin, SECRETS.ADMIN_TOKEN);

  const warm = await signedClosedEvents(SECRETS.IADVIZE_WEBHOOK_SECRET, 500);
  for (const which of HANDLERS) check(`warm-up ${which}`, await runPhase(origin, HOSTS[which], warm, CONCURRENCY));

  const workerd = childPid("workerd");
  const results: Record<Handler, PhaseResult[]> = { empty: [], queue: [], floor: [], logFloor: [], intake: [], baseline: [] };
  const cpu: Record<Handler, { ms: number; nodeMs: number; requests: number }> = Object.fromEntries(
    Object.keys(HOSTS).map((h) => [h, { ms: 0, nodeMs: 0, requests: 0 }]),
  ) as Record<Handler, { ms: number; nodeMs: number; requests: number }>;
  const orders: Handler[][] = [HANDLERS, [...HANDLERS].reverse()];
  for (let round = 0; round < ROUNDS; round++) {
    const requests = await signedClosedEvents(SECRETS.IADVIZE_WEBHOOK_SECRET, REQUESTS);
    // Alternate the order, so no handler always runs on a warmer or busier machine.
    for (const which of orders[round % 2] ?? []) {
      const cpuBefore = cpuMs(workerd);
      const nodeBefore = process.cpuUsage();
      const result = await runPhase(origin, HOSTS[which], requests, CONCURRENCY);
      cpu[which].ms += cpuMs(workerd) - cpuBefore;
      const node = process.cpuUsage(nodeBefore);
      cpu[which].nodeMs += (node.user + node.system) / 1000;
      cpu[which].requests += result.requests;
      check(which, result);
      results[which].push(result);
    }
  }

  const summary = (which: Handler) => {
    const latencies = results[which].flatMap((r) => r.latenciesMs);
    return {
      rps: median(results[which].map((r) => r.rps)),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      // workerd's CPU per request (all its threads), in µs.
      cpu: (cpu[which].ms * 1000) / Math.max(1, cpu[which].requests),
      // This Node process's CPU per request: the load generator, and Miniflare reading workerd's log lines.
      nodeCpu: (cpu[which].nodeMs * 1000) / Math.max(1, cpu[which].requests),
    };
  };
  const e = summary("empty");
  const q = summary("queue");
  const f = summary("floor");
  const a = summary("intake");
  const ratio = a.rps / e.rps;
  const fmt = (n: number, d = 1) => n.toFixed(d);
  const row = (label: string, r: ReturnType<typeof summary>) =>
    `${label.padEnd(13)}${fmt(r.rps, 0).padStart(7)}  ${fmt(r.p50, 2).padStart(7)}  ${fmt(r.p99, 2).padStart(7)}  ${fmt(r.cpu, 0).padStart(9)}  ${fmt(r.nodeCpu, 0).padStart(9)}`;
  const lines = [
    `webhook intake vs empty handler: ${ROUNDS} rounds x ${REQUESTS} requests, concurrency ${CONCURRENCY}, same workerd`,
    `handler         req/s    p50 ms   p99 ms  CPU µs/req: workerd  node (load, logs)`,
    row("empty", e),
    row("queue send", q),
    row("floor", f),
    ...(values["log-floor"] ? [row("floor + log", summary("logFloor"))] : []),
    row("intake", a),
    `throughput ratio intake/empty: ${fmt(ratio, 2)} (target >= 0.80: ${ratio >= 0.8 ? "met" : "NOT met"})`,
    `throughput ratio intake/queue-send-only: ${fmt(a.rps / q.rps, 2)} (target >= 0.95: ${a.rps / q.rps >= 0.95 ? "met" : "NOT met"})`,
    `throughput ratio intake/floor (body read + message of the intake's size): ${fmt(a.rps / f.rps, 2)}`,
    `workerd CPU per request, intake - queue send: ${fmt(a.cpu - q.cpu, 0)} µs; intake - floor: ${fmt(a.cpu - f.cpu, 0)} µs`,
  ];
  if (BASELINE) {
    const b = summary("baseline");
    lines.splice(values["log-floor"] ? 7 : 6, 0, row(`intake@${BASELINE.slice(0, 7)}`, b));
    lines.push(`throughput ratio intake@${BASELINE.slice(0, 7)}/queue-send-only: ${fmt(b.rps / q.rps, 2)}; intake now/intake@${BASELINE.slice(0, 7)}: ${fmt(a.rps / b.rps, 2)}`);
    lines.push(`workerd CPU per request, intake@${BASELINE.slice(0, 7)} - queue send: ${fmt(b.cpu - q.cpu, 0)} µs`);
  }
  process.stdout.write(lines.join("\n") + "\n");
} finally {
  await mf.dispose();
  rmSync(outdir, { recursive: true, force: true });
}
