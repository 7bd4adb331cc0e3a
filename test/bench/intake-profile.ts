// Profile (not a test): where the webhook intake's CPU goes. Runs the Worker bundled
// unminified in workerd with its inspector open, sends signed `v2.conversation.closed`
// events as bench:intake does, records a V8 CPU profile of the connector's isolate over
// the run, and prints the self time grouped by what it belongs to (body reading, HMAC,
// zod, logging, request id, Hono, the queue send, ...), then the top functions.
// With --save <file>, the raw profile is written too (open it in Chrome's DevTools).
// Usage: node test/bench/intake-profile.ts [--requests 6000 --concurrency 32 --save intake.cpuprofile]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runPhase } from "./load.ts";
import { putBenchTenant, signedClosedEvents } from "./intake-requests.ts";
import { startConnector } from "./runtime.ts";
import { benchSecrets } from "./secrets.ts";

const { values } = parseArgs({ options: { requests: { type: "string", default: "6000" }, concurrency: { type: "string", default: "32" }, port: { type: "string", default: "9339" }, save: { type: "string" } } });
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const PORT = Number(values.port);
const SECRETS = benchSecrets();

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A minimal Chrome DevTools Protocol session over the inspector's WebSocket. */
async function inspect(wsUrl: string) {
  const ws = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", reject, { once: true });
  });
  let seq = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  ws.addEventListener("message", (e) => {
    const msg = JSON.parse(String(e.data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) waiting.get(msg.id)?.(msg.result);
  });
  const send = <T>(method: string, params: Record<string, unknown> = {}) =>
    new Promise<T>((resolve) => {
      const id = ++seq;
      waiting.set(id, resolve as (result: unknown) => void);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => ws.close() };
}

// What each piece of code belongs to, by the names in the unminified bundle's frames.
const GROUPS: [string, RegExp][] = [
  ["queue send (binding)", /\bsend\b.*queue|QueueMessage|serializ/i],
  ["HMAC / WebCrypto", /hmac|verify|importKey|subtle|fromHex|toHex|sign/i],
  ["zod parsing", /zod|safeParse|_parse|\$Zod|check|issue/i],
  ["body reading / decoding", /readBody|arrayBuffer|decode|TextDecoder|wellFormed|JSON\.parse/i],
  ["logging", /\bemit\b|\blog\b|clean|console|stringify/i],
  ["request id / async context", /requestId|randomUUID|withLogContext|AsyncLocalStorage|run\b/i],
  ["routing / response (Hono or fast path)", /hono|dispatch|compose|match|router|json|Context|header|fetch/i],
];

try {
  const outdir = mkdtempSync(join(tmpdir(), "connector-profile-"));
  const { mf, url } = await startConnector({ outdir, secrets: SECRETS, consumers: false, inspectorPort: PORT });
  try {
    const origin = url.origin;
    await putBenchTenant(origin, SECRETS.ADMIN_TOKEN);
    await runPhase(origin, "connector.bench", await signedClosedEvents(SECRETS.IADVIZE_WEBHOOK_SECRET, 500), CONCURRENCY);

    const targets = (await (await fetch(`http://127.0.0.1:${PORT}/json/list`)).json()) as { id: string; webSocketDebuggerUrl?: string; title?: string }[];
    const target = targets.find((t) => `${t.id} ${t.title ?? ""}`.includes("connector"));
    if (!target?.webSocketDebuggerUrl) throw new Error(`no inspector target for the connector in ${JSON.stringify(targets)}`);
    const session = await inspect(target.webSocketDebuggerUrl);
    await session.send("Profiler.enable");
    await session.send("Profiler.setSamplingInterval", { interval: 100 });
    await session.send("Profiler.start");
    const requests = await signedClosedEvents(SECRETS.IADVIZE_WEBHOOK_SECRET, REQUESTS);
    const phase = await runPhase(origin, "connector.bench", requests, CONCURRENCY);
    const { profile } = await session.send<{ profile: Profile }>("Profiler.stop");
    session.close();
    if (values.save) writeFileSync(values.save, JSON.stringify(profile));

    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const selfUs = new Map<number, number>();
    profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
    const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
    const idle = [...selfUs].filter(([id]) => /\(idle\)|\(program\)|\(garbage collector\)/.test(byId.get(id)?.callFrame.functionName ?? "")).reduce((a, [, v]) => a + v, 0);

    // A sample belongs to the first group matched walking up from the sampled frame.
    const groupUs = new Map<string, number>();
    const fnUs = new Map<string, number>();
    for (const [id, us] of selfUs) {
      const frame = byId.get(id)?.callFrame;
      const name = frame ? `${frame.functionName || "(anonymous)"} ${frame.url.split("/").pop() ?? ""}:${frame.lineNumber + 1}` : "?";
      fnUs.set(name, (fnUs.get(name) ?? 0) + us);
      let group = /\(idle\)|\(program\)|\(garbage collector\)/.test(frame?.functionName ?? "") ? (frame?.functionName ?? "?") : "other";
      for (let at: number | undefined = id; at !== undefined && group === "other"; at = parent.get(at)) {
        const fn = byId.get(at)?.callFrame.functionName ?? "";
        for (const [label, re] of GROUPS) if (re.test(fn)) { group = label; break; }
      }
      groupUs.set(group, (groupUs.get(group) ?? 0) + us);
    }
    const busy = total - idle;
    const line = (label: string, us: number) => `${label.padEnd(34)} ${(us / 1000).toFixed(0).padStart(7)} ms  ${((100 * us) / Math.max(1, busy)).toFixed(1).padStart(5)} % of busy  ${(us / phase.requests).toFixed(1).padStart(6)} µs/request`;
    const lines = [`intake CPU profile: ${phase.requests} requests at concurrency ${CONCURRENCY}, ${phase.rps.toFixed(0)} req/s while profiled; connector isolate busy ${(busy / 1000).toFixed(0)} ms (${(busy / phase.requests).toFixed(0)} µs/request)`];
    for (const [label, us] of [...groupUs].sort((a, b) => b[1] - a[1])) if (!/\(idle\)/.test(label)) lines.push(line(label, us));
    lines.push("top functions (self time):");
    for (const [name, us] of [...fnUs].sort((a, b) => b[1] - a[1]).slice(0, 25)) if (!/\(idle\)/.test(name)) lines.push(`  ${line(name.slice(0, 60), us)}`);
    process.stdout.write(lines.join("\n") + "\n");
  } finally {
    await mf.dispose();
    rmSync(outdir, { recursive: true, force: true });
  }
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
}
