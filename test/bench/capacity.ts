// Benchmark (not a test): how far one deployment goes. Many tenants (default 50), each with
// its iAdvize user, Salesforce org and call-centre account on the emulators, send a
// realistic mix per conversation (pushed, closed, a satisfaction answer for one in three,
// a transaction for one in five, a chat-to-call escalation for one in ten) at a rising
// rate, step by step, into the Worker as deployed (workerd, local D1 and Queues with the
// settings of wrangler.toml). Each step reports what every component sustained, and the
// run stops at the first step where something gives: webhooks refused or slower than
// 1 s at p99, the load generator falling behind the target, or the consumers not catching
// up within the drain time.
// Usage: npm run bench:capacity [-- --tenants 50 --start 20 --factor 2 --steps 6 --seconds 10 --drain 30]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { signatureFor } from "../../src/webhooks/signature.ts";
import { startCallCentreEmulator } from "../emulators/callcentre/server.ts";
import { startIadvizeEmulator } from "../emulators/iadvize/server.ts";
import { CAR_DEALER } from "../emulators/iadvize/seed.ts";
import { startSalesforceEmulator } from "../emulators/salesforce/server.ts";
import { CUSTOMER_FIELDS, DEMO_MAPPING } from "../emulators/salesforce/seed.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { percentile } from "./load.ts";
import { startConnector } from "./runtime.ts";
import { benchSecrets } from "./secrets.ts";

const { values } = parseArgs({
  options: {
    tenants: { type: "string", default: "50" },
    start: { type: "string", default: "20" },
    factor: { type: "string", default: "2" },
    steps: { type: "string", default: "6" },
    seconds: { type: "string", default: "10" },
    drain: { type: "string", default: "30" },
  },
});
const TENANTS = Number(values.tenants);
const START = Number(values.start);
const FACTOR = Number(values.factor);
const STEPS = Number(values.steps);
const SECONDS = Number(values.seconds);
const DRAIN_SECONDS = Number(values.drain);
const SECRETS = benchSecrets();
const host = "connector.bench";
const say = (line: string) => process.stdout.write(`${line}\n`);

const iadvize = await startIadvizeEmulator();
const salesforce = await startSalesforceEmulator();
const callcentre = await startCallCentreEmulator();
const outdir = mkdtempSync(join(tmpdir(), "connector-bench-"));
const { mf, url } = await startConnector({
  outdir,
  secrets: { ...SECRETS, IADVIZE_API_URL: iadvize.url, ALLOW_TEST_ORIGINS: `${salesforce.url},${callcentre.url}` },
});
const origin = url.origin;
const db = await mf.getD1Database("DB", "connector");
const pool = new Pool(origin, { connections: 64, pipelining: 1 });

interface Tenant {
  tenantId: string;
  projectId: number;
  orgId: string;
  key: string;
  username: string;
  next: number;
}

async function setupTenant(index: number): Promise<Tenant> {
  const projectId = 7000 + index;
  const tenantId = `ha-${projectId}`;
  const username = `capacity-${index}@acme.example`;
  iadvize.addUser(username, "pw");
  const orgId = `capacity${index}`;
  salesforce.addOrg({ id: orgId, clientId: `client-${orgId}`, clientSecret: "s", extraFields: CUSTOMER_FIELDS });
  callcentre.accounts.set(orgId, { secret: `cc-${orgId}` });
  const key = `esc_${crypto.randomUUID().replaceAll("-", "")}`;
  const res = await fetch(`${origin}/admin/api/tenants/${tenantId}`, {
    method: "PUT",
    headers: { host, authorization: `Bearer ${SECRETS.ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({
      iadvize: { username, password: "pw" },
      salesforce: { loginUrl: salesforce.url, auth: { type: "client_credentials", clientId: `client-${orgId}`, clientSecret: "s" } },
      mapping: DEMO_MAPPING,
      escalation: {
        key,
        provider: { type: "webhook", url: `${callcentre.url}/webhook/${orgId}`, secret: `cc-${orgId}` },
        defaultCountry: "FR",
        allowedCountries: ["FR"],
        perNumberPerDay: 100,
        perTenantPerMinute: 10_000,
      },
    }),
  });
  if (res.status !== 201) throw new Error(`tenant ${tenantId}: ${res.status} ${await res.text()}`);
  return { tenantId, projectId, orgId, key, username, next: 0 };
}

type Job = { method: "POST" | "GET"; path: string; headers: Record<string, string>; body?: string; kind: string };

let phoneSerial = 0;
/** The requests of one conversation of a tenant, in the order iAdvize and the bot send them. */
async function conversationJobs(t: Tenant): Promise<Job[]> {
  const n = t.next++;
  const id = crypto.randomUUID();
  const visitorId = crypto.randomUUID();
  const messages = CAR_DEALER.messages.map((m) => (m.text.includes("jane.doe@example.com") ? { ...m, text: `sure, it's visitor.${t.projectId}.${n}@example.com` } : m));
  iadvize.addConversation({ ...CAR_DEALER, id, projectId: t.projectId, visitor: { ...CAR_DEALER.visitor, id: visitorId }, messages });
  const common = { projectId: t.projectId, conversationId: id, visitorId };
  const events: { kind: string; body: Record<string, unknown> }[] = [
    { kind: "pushed", body: { ...fixtures.conversationPushed, ...common } },
    { kind: "closed", body: { ...fixtures.conversationClosed, ...common } },
  ];
  if (n % 3 === 0) events.push({ kind: "satisfaction", body: { ...fixtures.satisfactionAnswered, projectId: t.projectId, conversationId: id } });
  if (n % 5 === 0) events.push({ kind: "transaction", body: { ...fixtures.transactionAttributed, projectId: t.projectId, conversationId: id } });
  const jobs: Job[] = [];
  for (const e of events) {
    const body = JSON.stringify({ ...e.body, eventId: crypto.randomUUID() });
    jobs.push({
      kind: e.kind,
      method: "POST",
      path: "/webhooks/iadvize",
      headers: { "content-type": "application/json", "x-iadvize-signature": await signatureFor(SECRETS.IADVIZE_WEBHOOK_SECRET, body) },
      body,
    });
  }
  if (n % 10 === 0) {
    const phone = `06${String(10_000_000 + phoneSerial++).slice(-8)}`;
    jobs.splice(1, 0, { kind: "escalation", method: "GET", path: `/escalations/${t.key}/callback?phone=${phone}&conversationId=${id}`, headers: {} });
  }
  return jobs;
}

async function scalar(sql: string): Promise<number> {
  return Number((await db.prepare(sql).first<{ n: number }>("n" as never)) ?? 0);
}
const counts = async () => ({
  eventsDone: await scalar(`SELECT count(*) AS n FROM events WHERE status <> 'received'`),
  synced: await scalar(`SELECT count(*) AS n FROM conversations WHERE sync_status = 'synced'`),
  conversations: await scalar(`SELECT count(*) AS n FROM conversations`),
});
/** Rows written since the D1 connection opened (SQLite's total_changes): what D1 bills as rows written. */
const rowsWritten = () => scalar(`SELECT total_changes() AS n`);
const dbBytes = async () => (await db.prepare(`SELECT 1`).run()).meta.size_after ?? 0;
async function iadvizeCalls(tenants: Tenant[]): Promise<number> {
  let n = 0;
  for (const t of tenants) n += ((await (await fetch(`${iadvize.url}/__emulator/stats?username=${encodeURIComponent(t.username)}`)).json()) as { graphql: number }).graphql;
  return n;
}
const sfCalls = (tenants: Tenant[]) => tenants.reduce((n, t) => n + (salesforce.orgs.get(t.orgId)?.apiUsed ?? 0), 0);

try {
  const tenants: Tenant[] = [];
  for (let i = 0; i < TENANTS; i++) tenants.push(await setupTenant(i));
  say(`capacity: ${TENANTS} tenants; per conversation: pushed + closed, 1/3 a satisfaction answer, 1/5 a transaction, 1/10 an escalation; ${SECONDS} s per step, up to ${DRAIN_SECONDS} s to drain`);
  say(`target req/s | accepted req/s  p99 ms  refused | events/s consumed | syncs/s | D1 rows written/s, /conversation | SF calls/conversation | verdict`);

  let rate = START;
  let conversationsSoFar = 0;
  const startBytes = await dbBytes();
  for (let step = 0; step < STEPS; step++, rate *= FACTOR) {
    // Prepare the step's requests, tenants interleaved, before the clock starts.
    const jobs: Job[] = [];
    let conversations = 0;
    while (jobs.length < rate * SECONDS) {
      const t = tenants[conversations % tenants.length] as Tenant;
      jobs.push(...(await conversationJobs(t)));
      conversations++;
    }
    const before = await counts();
    const writesBefore = await rowsWritten();
    const callsBefore = sfCalls(tenants);
    const latencies: number[] = [];
    const refused = new Map<number, number>();
    let behind = 0;
    const started = performance.now();
    // Open loop: each request leaves at its scheduled time, whatever the answers before it.
    await Promise.all(
      jobs.map(async (job, i) => {
        const due = started + (i / rate) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        else if (wait < -250) behind++;
        const t0 = performance.now();
        const res = await pool.request({ method: job.method, path: job.path, headers: { ...job.headers, host }, ...(job.body ? { body: job.body } : {}) });
        await res.body.text();
        latencies.push(performance.now() - t0);
        if (res.statusCode !== 200 && res.statusCode !== 202) refused.set(res.statusCode, (refused.get(res.statusCode) ?? 0) + 1);
      }),
    );
    const sendSeconds = (performance.now() - started) / 1000;
    const accepted = jobs.length - [...refused.values()].reduce((a, b) => a + b, 0);
    const webhookEvents = jobs.filter((j) => j.kind !== "escalation").length;
    // Drain: wait until every event is consumed and every conversation synced, or give up.
    let after = await counts();
    const deadline = performance.now() + DRAIN_SECONDS * 1000;
    while ((after.eventsDone - before.eventsDone < webhookEvents || after.synced - before.synced < conversations) && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      after = await counts();
    }
    const allSeconds = (performance.now() - started) / 1000;
    const consumed = after.eventsDone - before.eventsDone;
    const synced = after.synced - before.synced;
    const writes = (await rowsWritten()) - writesBefore;
    const calls = sfCalls(tenants) - callsBefore;
    conversationsSoFar += conversations;
    const p99 = percentile(latencies, 99);
    const drained = consumed >= webhookEvents && synced >= conversations;
    const gave =
      refused.size > 0 ? `webhooks refused ${JSON.stringify([...refused])}` :
      p99 > 1000 ? "intake p99 > 1 s" :
      behind > jobs.length * 0.05 ? "load generator behind (this machine's CPU)" :
      !drained ? `consumers behind: ${consumed}/${webhookEvents} events, ${synced}/${conversations} syncs after ${DRAIN_SECONDS} s` : "";
    say(
      [
        `${String(rate).padStart(11)}`,
        `${(accepted / sendSeconds).toFixed(0).padStart(14)} ${p99.toFixed(0).padStart(7)} ${String(jobs.length - accepted).padStart(8)}`,
        `${(consumed / allSeconds).toFixed(0).padStart(17)}`,
        `${(synced / allSeconds).toFixed(1).padStart(7)}`,
        `${(writes / allSeconds).toFixed(0).padStart(17)}, ${(writes / Math.max(1, conversations)).toFixed(1).padStart(5)}`,
        `${(calls / Math.max(1, synced)).toFixed(3).padStart(21)}`,
        gave || "held",
      ].join(" | "),
    );
    if (gave) break;
  }

  const { results: tables } = await db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'`).all<{ name: string }>();
  const rows: string[] = [];
  let totalRows = 0;
  for (const { name } of tables) {
    const n = await scalar(`SELECT count(*) AS n FROM "${name}"`);
    totalRows += n;
    if (n === 0) continue;
    // The bytes of the values in the table's rows (indexes and page overhead come on top).
    const { results: columns } = await db.prepare(`PRAGMA table_info("${name}")`).all<{ name: string }>();
    const bytes = await scalar(`SELECT sum(${columns.map((c) => `coalesce(length("${c.name}"), 0)`).join(" + ")}) AS n FROM "${name}"`);
    rows.push(`${name} ${(n / Math.max(1, conversationsSoFar)).toFixed(2)} rows ${(bytes / Math.max(1, conversationsSoFar)).toFixed(0)} B`);
  }
  const bytes = (await dbBytes()) - startBytes;
  say(`kept per conversation (${conversationsSoFar} conversations): rows ${(totalRows / Math.max(1, conversationsSoFar)).toFixed(2)} (${rows.join(", ")}); D1 size +${(bytes / Math.max(1, conversationsSoFar)).toFixed(0)} bytes per conversation`);
  say(`escalations: call-centre requests received ${callcentre.received.length}`);
  const synced = await scalar(`SELECT count(*) AS n FROM conversations WHERE sync_status = 'synced'`);
  say(`calls to the outside in all: Salesforce ${sfCalls(tenants)}, iAdvize GraphQL ${await iadvizeCalls(tenants)}, for ${synced} conversations synced of ${conversationsSoFar}`);
} finally {
  await pool.close();
  await mf.dispose();
  await iadvize.close();
  await salesforce.close();
  await callcentre.close();
  rmSync(outdir, { recursive: true, force: true });
}
