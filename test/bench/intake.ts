// Benchmark (not a test): the webhook intake's throughput and p50/p99 latency against an
// empty handler, all Workers in the same workerd, in the same run, in alternating rounds.
// A third Worker only sends one message to a local queue: it shows what the local Queues
// emulator itself costs, which in production is a call to another machine.
// The queue consumer is not attached: it runs in its own invocations in production,
// and what it does is measured by its own benchmark.
// With --baseline <commit>, the Worker as it was at that commit runs too, in the same rounds.
// Usage: npm run bench:intake [-- --requests 4000 --rounds 3 --concurrency 32 --baseline <commit>]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { signatureFor } from "../../src/webhooks/signature.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { median, percentile, runPhase } from "./load.ts";
import type { PhaseResult, PreparedRequest } from "./load.ts";
import { startConnector } from "./runtime.ts";
import { benchSecrets } from "./secrets.ts";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "4000" },
    rounds: { type: "string", default: "3" },
    concurrency: { type: "string", default: "32" },
    // A git commit whose Worker runs too, in the same workerd and rounds: before/after in one run.
    baseline: { type: "string" },
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
const HOSTS = { empty: "empty.bench", queue: "queue-only.bench", intake: "connector.bench", baseline: "connector-baseline.bench" } as const;
type Handler = keyof typeof HOSTS;
const HANDLERS: Handler[] = BASELINE ? ["empty", "queue", "intake", "baseline"] : ["empty", "queue", "intake"];

async function prepare(count: number): Promise<PreparedRequest[]> {
  const out: PreparedRequest[] = [];
  for (let i = 0; i < count; i++) {
    const event = { ...fixtures.conversationClosed, eventId: crypto.randomUUID(), conversationId: crypto.randomUUID() };
    const body = JSON.stringify(event);
    out.push({
      path: "/webhooks/iadvize",
      headers: {
        "content-type": "application/json",
        "x-iadvize-signature": await signatureFor(SECRETS.IADVIZE_WEBHOOK_SECRET, body),
        "x-iadvize-correlationid": crypto.randomUUID(),
      },
      body,
    });
  }
  return out;
}

function check(name: string, result: PhaseResult): void {
  const ok = result.statuses.get(200) ?? 0;
  if (ok !== result.requests) {
    throw new Error(`${name}: ${result.requests - ok} of ${result.requests} answers were not 200: ${JSON.stringify([...result.statuses])}`);
  }
}

const outdir = mkdtempSync(join(tmpdir(), "connector-bench-"));
const { mf, url } = await startConnector({
  outdir,
  secrets: SECRETS,
  consumers: false,
  ...(BASELINE ? { baseline: { ref: BASELINE, host: HOSTS.baseline } } : {}),
  others: [
    { name: "empty", modules: true, script: EMPTY_WORKER, routes: [`${HOSTS.empty}/*`], compatibilityDate: "2026-11-01" },
    {
      name: "queue-only",
      modules: true,
      script: QUEUE_ONLY_WORKER,
      routes: [`${HOSTS.queue}/*`],
      compatibilityDate: "2026-11-01",
      queueProducers: { Q: { queueName: "bench-queue-only" } },
    },
  ],
});
try {
  const origin = url.origin;
  // A configured tenant, so the queue consumer does its real work during the run.
  const put = await fetch(new URL("/admin/api/tenants/ha-3291", origin), {
    method: "PUT",
    headers: { host: "connector.bench", authorization: `Bearer ${SECRETS.ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({
      name: "Bench",
      iadvize: { username: "bench@acme.example", password: "pw" },
      salesforce: { loginUrl: "https://login.salesforce.com", auth: { type: "client_credentials", clientId: "bench", clientSecret: "s" } },
    }),
  });
  if (put.status !== 201) throw new Error(`tenant setup answered ${put.status}`);

  const warm = await prepare(500);
  for (const which of HANDLERS) check(`warm-up ${which}`, await runPhase(origin, HOSTS[which], warm, CONCURRENCY));

  const results: Record<Handler, PhaseResult[]> = { empty: [], queue: [], intake: [], baseline: [] };
  const orders: Handler[][] = [HANDLERS, [...HANDLERS].reverse()];
  for (let round = 0; round < ROUNDS; round++) {
    const requests = await prepare(REQUESTS);
    // Alternate the order, so no handler always runs on a warmer or busier machine.
    for (const which of orders[round % 2] ?? []) {
      const result = await runPhase(origin, HOSTS[which], requests, CONCURRENCY);
      check(which, result);
      results[which].push(result);
    }
  }

  const summary = (results: PhaseResult[]) => {
    const latencies = results.flatMap((r) => r.latenciesMs);
    return {
      rps: median(results.map((r) => r.rps)),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    };
  };
  const e = summary(results.empty);
  const q = summary(results.queue);
  const a = summary(results.intake);
  const ratio = a.rps / e.rps;
  const fmt = (n: number, d = 1) => n.toFixed(d);
  const lines = [
    `webhook intake vs empty handler: ${ROUNDS} rounds x ${REQUESTS} requests, concurrency ${CONCURRENCY}, same workerd`,
    `handler         req/s    p50 ms   p99 ms`,
    `empty        ${fmt(e.rps, 0).padStart(7)}  ${fmt(e.p50, 2).padStart(7)}  ${fmt(e.p99, 2).padStart(7)}`,
    `queue send   ${fmt(q.rps, 0).padStart(7)}  ${fmt(q.p50, 2).padStart(7)}  ${fmt(q.p99, 2).padStart(7)}`,
    `intake       ${fmt(a.rps, 0).padStart(7)}  ${fmt(a.p50, 2).padStart(7)}  ${fmt(a.p99, 2).padStart(7)}`,
    `throughput ratio intake/empty: ${fmt(ratio, 2)} (target >= 0.80: ${ratio >= 0.8 ? "met" : "NOT met"})`,
    `throughput ratio intake/queue-send-only: ${fmt(a.rps / q.rps, 2)} (target >= 0.95: ${a.rps / q.rps >= 0.95 ? "met" : "NOT met"})`,
  ];
  if (BASELINE) {
    const b = summary(results.baseline);
    lines.splice(5, 0, `intake@${BASELINE.slice(0, 7)} ${fmt(b.rps, 0).padStart(7)}  ${fmt(b.p50, 2).padStart(7)}  ${fmt(b.p99, 2).padStart(7)}`);
    lines.push(`throughput ratio intake@${BASELINE.slice(0, 7)}/queue-send-only: ${fmt(b.rps / q.rps, 2)}; intake now/intake@${BASELINE.slice(0, 7)}: ${fmt(a.rps / b.rps, 2)}`);
  }
  process.stdout.write(lines.join("\n") + "\n");
} finally {
  await mf.dispose();
  rmSync(outdir, { recursive: true, force: true });
}
