// Benchmark (not a test): a burst of closed conversations across several tenants, end to
// end: signed webhooks into the Worker (workerd, local D1 and Queues, as deployed),
// the iAdvize and Salesforce emulators on the other side. Reports Salesforce API calls
// per conversation (target <= 0.02 in the burst, issue 14, <= 2 for a lone conversation), iAdvize
// logins per tenant (target 1), and the time from webhook to Salesforce write. Then
// the live follow-up: conversations of tenants that follow open conversations, each a
// chat played in real time (the car dealer's messages, spread over --chat-seconds) from
// its push to its close, with what they cost in iAdvize requests and Salesforce calls
// beside the on-close figures, and how many sync runs each followed tenant took a minute.
// Usage: npm run bench:sync [-- --conversations 1000 --tenants 4 --followed 200 --chat-seconds 150]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { signatureFor } from "../../src/webhooks/signature.ts";
import { startIadvizeEmulator } from "../emulators/iadvize/server.ts";
import { CAR_DEALER } from "../emulators/iadvize/seed.ts";
import { startSalesforceEmulator } from "../emulators/salesforce/server.ts";
import { CUSTOMER_FIELDS, DEMO_MAPPING } from "../emulators/salesforce/seed.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { percentile } from "./load.ts";
import { readsWhileIdle } from "../../src/follow/schedule.ts";
import { startConnector } from "./runtime.ts";
import { benchSecrets } from "./secrets.ts";
import { runLineOf, stageReport } from "./sync-stages.ts";
import type { RunLine } from "./sync-stages.ts";

const { values } = parseArgs({
  options: {
    conversations: { type: "string", default: "1000" },
    tenants: { type: "string", default: "4" },
    followed: { type: "string", default: "200" },
    "chat-seconds": { type: "string", default: "150" },
  },
});
const TOTAL = Number(values.conversations);
const TENANTS = Number(values.tenants);
const FOLLOWED = Number(values.followed);
const CHAT_MS = Number(values["chat-seconds"]) * 1000;
const SECRETS = benchSecrets();
const say = (line: string) => process.stdout.write(`${line}\n`);

const iadvize = await startIadvizeEmulator();
const salesforce = await startSalesforceEmulator();
const outdir = mkdtempSync(join(tmpdir(), "connector-bench-"));
// When the sync runs that claimed work ended (the Worker's `sync.run` lines), by tenant.
const runs = new Map<string, number[]>();
// Each run's stages, for where the burst's time went.
const stageRuns: RunLine[] = [];
const countRun = (message: string) => {
  for (const line of message.split("\n")) {
    const tenantId = /"event":"sync\.run".*"tenantId":"([^"]+)"/.exec(line)?.[1];
    if (tenantId) runs.set(tenantId, [...(runs.get(tenantId) ?? []), Date.now()]);
    const run = runLineOf(line);
    if (run) stageRuns.push(run);
  }
};
const { mf, url } = await startConnector({ outdir, secrets: { ...SECRETS, IADVIZE_API_URL: iadvize.url, ALLOW_TEST_ORIGINS: salesforce.url }, onLog: countRun });
const origin = url.origin;
const host = "connector.bench";

async function adminCall(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${origin}/admin/api${path}`, {
    method,
    headers: { host, authorization: `Bearer ${SECRETS.ADMIN_TOKEN}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

interface BenchTenant {
  tenantId: string;
  projectId: number;
  username: string;
  orgId: string;
  conversations: { id: string; visitorId: string }[];
}

async function setupTenant(index: number, conversations: number, followUp = false): Promise<BenchTenant> {
  const projectId = 5000 + index;
  const tenantId = `ha-${projectId}`;
  const username = `bench-${index}@acme.example`;
  iadvize.addUser(username, "pw");
  const orgId = `bench${index}`;
  salesforce.addOrg({ id: orgId, clientId: `client-${orgId}`, clientSecret: "s", extraFields: CUSTOMER_FIELDS });
  const put = await adminCall("PUT", `/tenants/${tenantId}`, {
    iadvize: { username, password: "pw" },
    salesforce: { loginUrl: salesforce.url, auth: { type: "client_credentials", clientId: `client-${orgId}`, clientSecret: "s" } },
    mapping: DEMO_MAPPING,
    ...(followUp ? { followUp: { enabled: true } } : {}),
  });
  if (put.status !== 201) throw new Error(`tenant ${tenantId}: ${put.status}`);
  const list: BenchTenant["conversations"] = [];
  for (let i = 0; i < conversations; i++) {
    const id = crypto.randomUUID();
    const visitorId = crypto.randomUUID();
    const messages = CAR_DEALER.messages.map((m) => (m.text.includes("jane.doe@example.com") ? { ...m, text: `sure, it's visitor.${index}.${i}@example.com` } : m));
    iadvize.addConversation({ ...CAR_DEALER, id, projectId, visitor: { ...CAR_DEALER.visitor, id: visitorId }, messages });
    list.push({ id, visitorId });
  }
  return { tenantId, projectId, username, orgId, conversations: list };
}

async function sendClosed(t: BenchTenant, c: { id: string; visitorId: string }): Promise<number> {
  return sendEvent({ ...fixtures.conversationClosed, eventId: crypto.randomUUID(), projectId: t.projectId, conversationId: c.id, visitorId: c.visitorId });
}

async function sendEvent(event: object): Promise<number> {
  const body = JSON.stringify(event);
  const sentAt = Date.now();
  const res = await fetch(`${origin}/webhooks/iadvize`, {
    method: "POST",
    headers: { host, "content-type": "application/json", "x-iadvize-signature": await signatureFor(SECRETS.IADVIZE_WEBHOOK_SECRET, body) },
    body,
  });
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  return sentAt;
}

async function waitForRecords(tenants: BenchTenant[], timeoutMs: number): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  const expected = tenants.reduce((n, t) => n + t.conversations.length, 0);
  for (;;) {
    const written = new Map<string, number>();
    for (const t of tenants) {
      for (const r of salesforce.orgs.get(t.orgId)?.all("iAdvize_Conversation__c") ?? []) {
        written.set(String(r.Conversation_Id__c), Date.parse(String(r.CreatedDate)));
      }
    }
    if (written.size >= expected) return written;
    if (Date.now() > deadline) throw new Error(`only ${written.size} of ${expected} conversations reached Salesforce in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A chat played in real time: pushed, the car dealer's messages spread over CHAT_MS, closed; returns when it closed. */
async function playChat(t: BenchTenant, c: { id: string; visitorId: string }, offsetMs: number): Promise<number> {
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await wait(offsetMs);
  const start = Date.now();
  const messages = CAR_DEALER.messages.map((m) => (m.text.includes("jane.doe@example.com") ? { ...m, text: `sure, it's ${c.visitorId}@example.com` } : m));
  iadvize.setClosed(c.id, null);
  const conversation = { ...CAR_DEALER, id: c.id, projectId: t.projectId, createdAt: new Date(start).toISOString(), closedAt: null, visitor: { ...CAR_DEALER.visitor, id: c.visitorId }, messages: [] };
  iadvize.addConversation(conversation);
  await sendEvent({ ...fixtures.conversationPushed, eventId: crypto.randomUUID(), projectId: t.projectId, conversationId: c.id, visitorId: c.visitorId, createdAt: new Date(start).toISOString() });
  for (const [i, m] of messages.entries()) {
    const at = start + ((i + 1) * CHAT_MS) / (messages.length + 1);
    await wait(at - Date.now());
    iadvize.addMessages(c.id, [{ ...m, createdAt: new Date(at).toISOString() }]);
  }
  await wait(start + CHAT_MS - Date.now());
  const closed = new Date().toISOString();
  iadvize.setClosed(c.id, closed);
  await sendEvent({ ...fixtures.conversationClosed, eventId: crypto.randomUUID(), projectId: t.projectId, conversationId: c.id, visitorId: c.visitorId, createdAt: closed });
  return Date.parse(closed);
}

/** Waits until every conversation of these tenants has a Conversation record with its close written. */
async function waitForClosedRecords(tenants: BenchTenant[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const expected = tenants.reduce((n, t) => n + t.conversations.length, 0);
  for (;;) {
    const done = tenants.reduce((n, t) => n + (salesforce.orgs.get(t.orgId)?.all("iAdvize_Conversation__c") ?? []).filter((r) => r.Closed_At__c).length, 0);
    if (done >= expected) return;
    if (Date.now() > deadline) throw new Error(`only ${done} of ${expected} followed conversations were completed in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

try {
  // The burst.
  const tenants: BenchTenant[] = [];
  for (let i = 0; i < TENANTS; i++) tenants.push(await setupTenant(i, Math.ceil(TOTAL / TENANTS)));
  const jobs = tenants.flatMap((t) => t.conversations.map((c) => ({ t, c })));
  // Interleave tenants, as real traffic would.
  jobs.sort(() => Math.random() - 0.5);
  const sentAt = new Map<string, number>();
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < jobs.length; i = next++) {
        const job = jobs[i];
        if (job) sentAt.set(job.c.id, await sendClosed(job.t, job.c));
      }
    }),
  );
  const sendSeconds = (Date.now() - started) / 1000;
  const written = await waitForRecords(tenants, 10 * 60_000);
  const totalSeconds = (Date.now() - started) / 1000;
  const latencies = [...written].map(([id, at]) => at - (sentAt.get(id) ?? at));
  const burstTenants = new Set(tenants.map((t) => t.tenantId));
  // The runs' log lines (and their settle in D1) follow the writes: waited for, 10 s at most.
  for (const until = Date.now() + 10_000; Date.now() < until && stageRuns.filter((r) => burstTenants.has(r.tenantId)).reduce((n, r) => n + r.claimed, 0) < written.size; ) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const stages = await stageReport(await mf.getD1Database("DB", "connector"), stageRuns.filter((r) => burstTenants.has(r.tenantId)), sentAt, written);
  const calls = tenants.reduce((n, t) => n + (salesforce.orgs.get(t.orgId)?.apiUsed ?? 0), 0);
  const leads = tenants.reduce((n, t) => n + (salesforce.orgs.get(t.orgId)?.all("Lead").length ?? 0), 0);
  const logins = await Promise.all(tenants.map(async (t) => ((await (await fetch(`${iadvize.url}/__emulator/stats?username=${encodeURIComponent(t.username)}`)).json()) as { logins: number }).logins));

  // A lone conversation, for a tenant with nothing else going on.
  const [lone] = [await setupTenant(TENANTS, 1)];
  if (!lone?.conversations[0]) throw new Error("no lone conversation");
  const loneSent = await sendClosed(lone, lone.conversations[0]);
  const loneWritten = await waitForRecords([lone], 60_000);
  const loneCalls = salesforce.orgs.get(lone.orgId)?.apiUsed ?? 0;
  const loneMs = (loneWritten.get(lone.conversations[0].id) ?? loneSent) - loneSent;

  const onCloseRequests = tenants.reduce((n, t) => n + (iadvize.statsOf(t.username)?.graphql ?? 0), 0) / written.size;

  // The live follow-up: a burst of followed chats, and a lone one, at the same time.
  const followTenants: BenchTenant[] = [];
  for (let i = 0; i < 2; i++) followTenants.push(await setupTenant(TENANTS + 1 + i, Math.ceil(FOLLOWED / 2), true));
  const [loneFollowed] = [await setupTenant(TENANTS + 3, 1, true)];
  if (!loneFollowed) throw new Error("no lone followed conversation");
  const chats = [...followTenants, loneFollowed].flatMap((t) => t.conversations.map((c) => ({ t, c })));
  const closedAt = new Map<string, number>();
  const followStarted = Date.now();
  await Promise.all(chats.map(({ t, c }, i) => playChat(t, c, (i % 50) * 100).then((at) => closedAt.set(c.id, at))));
  await waitForClosedRecords([...followTenants, loneFollowed], 5 * 60_000);
  const followMinutes = (Date.now() - followStarted) / 60_000;
  const runsPerMinute = followTenants.map((t) => (runs.get(t.tenantId) ?? []).length / followMinutes);
  const runTimes = followTenants.map((t) => (runs.get(t.tenantId) ?? []).map((at) => ((at - followStarted) / 1000).toFixed(0)).join(" "));
  const closeLatencies = [...followTenants, loneFollowed].flatMap((t) =>
    (salesforce.orgs.get(t.orgId)?.all("iAdvize_Conversation__c") ?? []).map((r) => Date.parse(String(r.LastModifiedDate ?? r.CreatedDate)) - (closedAt.get(String(r.Conversation_Id__c)) ?? 0)),
  );
  const followCount = FOLLOWED;
  const followRequests = followTenants.reduce((n, t) => n + (iadvize.statsOf(t.username)?.graphql ?? 0), 0) / followCount;
  const followCalls = followTenants.reduce((n, t) => n + (salesforce.orgs.get(t.orgId)?.apiUsed ?? 0), 0) / followCount;
  const followLeads = followTenants.reduce((n, t) => n + (salesforce.orgs.get(t.orgId)?.all("Lead").length ?? 0), 0);
  const followRecords = followTenants.reduce((n, t) => n + (salesforce.orgs.get(t.orgId)?.all("iAdvize_Conversation__c").length ?? 0), 0);
  const leadsBeforeClose = followTenants.reduce((n, t) => {
    const byVisitor = new Map(t.conversations.map((c) => [c.visitorId, c.id]));
    return n + (salesforce.orgs.get(t.orgId)?.all("Lead") ?? []).filter((l) => Date.parse(String(l.CreatedDate)) < (closedAt.get(byVisitor.get(String(l.iAdvize_Visitor_Id__c)) ?? "") ?? 0)).length;
  }, 0);

  const perConversation = calls / written.size;
  say(`burst: ${written.size} closed conversations across ${TENANTS} tenants, webhooks sent in ${sendSeconds.toFixed(1)} s, all in Salesforce after ${totalSeconds.toFixed(1)} s`);
  say(`Salesforce API calls: ${calls} in all, ${perConversation.toFixed(3)} per conversation (target <= 0.02: ${perConversation <= 0.02 ? "met" : "NOT met"}); ${leads} Leads created`);
  say(`iAdvize logins per tenant: ${logins.join(", ")} (target 1: ${logins.every((n) => n === 1) ? "met" : "NOT met"})`);
  say(`webhook -> Salesforce write: p50 ${(percentile(latencies, 50) / 1000).toFixed(1)} s, p95 ${(percentile(latencies, 95) / 1000).toFixed(1)} s, max ${(Math.max(...latencies) / 1000).toFixed(1)} s`);
  say(`lone conversation: ${loneCalls} Salesforce API calls (target <= 2: ${loneCalls <= 2 ? "met" : "NOT met"}), written ${(loneMs / 1000).toFixed(1)} s after its webhook`);
  for (const line of stages) say(line);
  say(`on close: ${onCloseRequests.toFixed(2)} iAdvize requests per conversation`);
  say(
    `followed: ${followCount} conversations across 2 tenants, each a ${CHAT_MS / 1000} s chat of ${CAR_DEALER.messages.length} messages; ${leadsBeforeClose} of ${followLeads} Leads in Salesforce before their conversation closed; ${followLeads} Leads, ${followRecords} Conversation records`,
  );
  say(`followed: ${followRequests.toFixed(2)} iAdvize requests per conversation (on close: ${onCloseRequests.toFixed(2)}), ${followCalls.toFixed(3)} Salesforce API calls per conversation (on close, burst: ${perConversation.toFixed(3)})`);
  say(
    `lone followed conversation: ${iadvize.statsOf(loneFollowed.username)?.graphql ?? 0} iAdvize requests, ${salesforce.orgs.get(loneFollowed.orgId)?.apiUsed ?? 0} Salesforce API calls (on close: 1 request, ${loneCalls} calls)`,
  );
  say(
    `followed: sync runs per tenant a minute ${runsPerMinute.map((n) => n.toFixed(1)).join(", ")} (${followMinutes.toFixed(1)} min); close -> record completed: p50 ${(percentile(closeLatencies, 50) / 1000).toFixed(1)} s, max ${(Math.max(...closeLatencies) / 1000).toFixed(1)} s`,
  );
  say(`followed: runs ended at (s after the first push): ${runTimes.join("; ")}`);
  say(`schedule: a followed conversation left idle costs ${readsWhileIdle(3_600_000)} reads in its first hour, ${readsWhileIdle(86_400_000)} in its first day, ${readsWhileIdle(7 * 86_400_000)} until the 7-day idle stop`);
} finally {
  await mf.dispose();
  await iadvize.close();
  await salesforce.close();
  rmSync(outdir, { recursive: true, force: true });
}
