// Benchmark (not a test): the CPU time of each step of the webhook intake, one at a time,
// in Node (the same V8 as workerd; Request, WebCrypto and console are Node's own, so those
// rows are indicative), on the `v2.conversation.closed` event bench:intake sends. Each step
// runs in alternating rounds and the fastest round is kept: on a shared machine, the
// least disturbed round is the closest to the step's own cost.
// Usage: node test/bench/intake-steps.ts [--iterations 20000 --rounds 5]
import { Console } from "node:console";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import * as z from "zod";
import { KnownEvent } from "../../src/events/schema.ts";
import { readBodyLimited } from "../../src/http/read-body.ts";
import { log, withLogContext } from "../../src/log.ts";
import { bodyKind, decodeBody } from "../../src/webhooks/decode.ts";
import { WEBHOOK_BODY_LIMIT } from "../../src/webhooks/receive.ts";
import { signatureFor, verifySignature } from "../../src/webhooks/signature.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { benchSecrets } from "./secrets.ts";

const { values } = parseArgs({ options: { iterations: { type: "string", default: "20000" }, rounds: { type: "string", default: "5" } } });
const ITERATIONS = Number(values.iterations);
const ROUNDS = Number(values.rounds);

// workerd refuses `new Function`, so zod runs without its compiled fast path there: here too.
z.config({ jitless: true });

const secrets = [benchSecrets().IADVIZE_WEBHOOK_SECRET];
const body = JSON.stringify({ ...fixtures.conversationClosed, eventId: crypto.randomUUID() });
const raw = new Uint8Array(new TextEncoder().encode(body));
const signature = await signatureFor(secrets[0] ?? "", body);
const decoded = decodeBody("json", raw);
const event = KnownEvent.parse(decoded);
// console.log writes to a sink, as workerd hands a line to its log pipe.
const sink = new Writable({ write: (_chunk, _enc, done) => done() });
const sinkConsole = new Console({ stdout: sink, stderr: sink });
console.log = sinkConsole.log.bind(sinkConsole);

const steps: [string, () => unknown][] = [
  ["request id (randomUUID) + log context", () => withLogContext({ requestId: crypto.randomUUID() }, () => 1)],
  ["content type", () => bodyKind("application/json")],
  ["body read (new Request + readBodyLimited)", () => readBodyLimited(new Request("https://x/webhooks/iadvize", { method: "POST", body, headers: { "content-length": String(raw.length) } }), WEBHOOK_BODY_LIMIT)],
  ["HMAC verify (1 secret)", () => verifySignature(secrets, raw, signature)],
  ["decode (UTF-8, JSON.parse, surrogate check)", () => decodeBody("json", raw)],
  ["zod KnownEvent.safeParse", () => KnownEvent.safeParse(decoded)],
  ["queue message (structuredClone)", () => structuredClone({ kind: "event", tenantId: "ha-3291", event, correlationId: null, deliveryId: null, receivedAt: new Date().toISOString() })],
  ["log line webhook.accepted", () => log.info("webhook.accepted", { eventId: event.eventId, eventType: event.eventType })],
  ["answer (Response with JSON)", () => new Response(JSON.stringify({ status: "accepted", eventId: event.eventId }), { headers: { "Content-Type": "application/json", "x-request-id": "id" } })],
];

const best = new Map<string, number>();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, step] of round % 2 ? [...steps].reverse() : steps) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < ITERATIONS; i++) await step();
    const t = process.cpuUsage(t0);
    const us = (t.user + t.system) / ITERATIONS;
    best.set(name, Math.min(best.get(name) ?? Infinity, us));
  }
}
const total = [...best.values()].reduce((a, b) => a + b, 0);
const lines = [`intake steps in Node: fastest of ${ROUNDS} rounds x ${ITERATIONS} iterations, CPU µs per call`];
for (const [name] of steps) {
  const us = best.get(name) ?? 0;
  lines.push(`${name.padEnd(46)} ${us.toFixed(1).padStart(7)} µs  ${((100 * us) / total).toFixed(1).padStart(5)} %`);
}
lines.push(`${"sum".padEnd(46)} ${total.toFixed(1).padStart(7)} µs`);
process.stdout.write(lines.join("\n") + "\n");
