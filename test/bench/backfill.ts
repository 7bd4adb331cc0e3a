// Benchmark (not a test): a history backfill end to end, in workerd with local D1 and
// Queues as deployed, against the iAdvize and Salesforce emulators: a dry run, the real
// run, then the same run again. Reports the dry run's estimate beside the Salesforce calls
// the real run cost, the iAdvize requests, the time each took, and what the second run cost.
// Usage: npm run bench:backfill [-- --conversations 1000 --months 10]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startIadvizeEmulator } from "../emulators/iadvize/server.ts";
import { CAR_DEALER } from "../emulators/iadvize/seed.ts";
import { startSalesforceEmulator } from "../emulators/salesforce/server.ts";
import { CUSTOMER_FIELDS } from "../emulators/salesforce/seed.ts";
import { startConnector } from "./runtime.ts";
import { benchSecrets } from "./secrets.ts";

const { values } = parseArgs({ options: { conversations: { type: "string", default: "1000" }, months: { type: "string", default: "10" } } });
const TOTAL = Number(values.conversations);
const MONTHS = Number(values.months);
const SECRETS = benchSecrets();
const say = (line: string) => process.stdout.write(`${line}\n`);

const iadvize = await startIadvizeEmulator();
const salesforce = await startSalesforceEmulator();
const outdir = mkdtempSync(join(tmpdir(), "connector-bench-"));
const { mf, url } = await startConnector({ outdir, secrets: { ...SECRETS, IADVIZE_API_URL: iadvize.url, ALLOW_TEST_ORIGINS: salesforce.url } });
const host = "connector.bench";
const projectId = 7001;
const tenantId = `ha-${projectId}`;
const username = "bench-backfill@acme.example";
const FROM = "2026-01-01";
const TO = new Date(Date.UTC(2026, MONTHS, 1)).toISOString().slice(0, 10);

async function admin(method: string, body?: unknown): Promise<{ status: number; backfill: Record<string, unknown> & { status: string; estimate: Record<string, number> | null } }> {
  const res = await fetch(`${url.origin}/admin/api/tenants/${tenantId}/backfill`, {
    method,
    headers: { host, authorization: `Bearer ${SECRETS.ADMIN_TOKEN}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, ...((await res.json()) as { backfill: Record<string, unknown> & { status: string; estimate: Record<string, number> | null } }) };
}

const stats = async () => (await (await fetch(`${iadvize.url}/__emulator/stats?username=${encodeURIComponent(username)}`)).json()) as { graphql: number; closedConversations: number };
const apiUsed = () => salesforce.orgs.get("backfill")?.apiUsed ?? 0;

async function run(dryRun: boolean) {
  const before = { sf: apiUsed(), ia: await stats(), at: Date.now() };
  const started = await admin("POST", { from: FROM, to: TO, dryRun });
  if (started.status !== 202) throw new Error(`backfill: ${started.status}`);
  for (;;) {
    const { backfill } = await admin("GET");
    if (backfill.status === "done") {
      const ia = await stats();
      return { backfill, seconds: (Date.now() - before.at) / 1000, sfCalls: apiUsed() - before.sf, pages: ia.closedConversations - before.ia.closedConversations, graphql: ia.graphql - before.ia.graphql };
    }
    if (Date.now() - before.at > 20 * 60_000) throw new Error(`backfill not done after 20 minutes: ${JSON.stringify(backfill)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

try {
  iadvize.addUser(username, "pw");
  salesforce.addOrg({ id: "backfill", clientId: "client-backfill", clientSecret: "s", extraFields: CUSTOMER_FIELDS });
  const put = await fetch(`${url.origin}/admin/api/tenants/${tenantId}`, {
    method: "PUT",
    headers: { host, authorization: `Bearer ${SECRETS.ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({
      iadvize: { username, password: "pw" },
      salesforce: { loginUrl: salesforce.url, auth: { type: "client_credentials", clientId: "client-backfill", clientSecret: "s" } },
      mapping: { Q1: { object: "Lead", field: "Vehicle__c" }, Q2: { object: "Lead", field: "Engine__c" } },
    }),
  });
  if (put.status !== 201) throw new Error(`tenant: ${put.status}`);
  // Spread evenly over the range; one visitor in four left no email.
  const span = Date.parse(TO) - Date.parse(FROM);
  for (let i = 0; i < TOTAL; i++) {
    const closedAt = new Date(Date.parse(FROM) + Math.floor((i * span) / TOTAL)).toISOString();
    const email = i % 4 === 0 ? null : `visitor.${i}@example.com`;
    iadvize.addConversation({ ...CAR_DEALER, id: crypto.randomUUID(), projectId, closedAt, createdAt: closedAt, visitor: { ...CAR_DEALER.visitor, id: crypto.randomUUID(), email } });
  }
  const dry = await run(true);
  const real = await run(false);
  const again = await run(false);
  const e = dry.backfill.estimate ?? {};
  say(`range ${FROM} to ${TO}: ${TOTAL} closed conversations`);
  say(`dry run: ${dry.seconds.toFixed(1)} s, ${dry.pages} closedConversations requests, ${dry.graphql} iAdvize requests in all, ${dry.sfCalls} Salesforce calls; estimate ${e.salesforceCalls} Salesforce calls (at most ${e.salesforceCallsAtMost}), ${e.wouldCreateLead} Leads`);
  say(`real run: ${real.seconds.toFixed(1)} s, ${real.pages} closedConversations requests, ${real.graphql} iAdvize requests in all, ${real.sfCalls} Salesforce calls (${(real.sfCalls / TOTAL).toFixed(3)} per conversation), ${salesforce.orgs.get("backfill")?.all("Lead").length} Leads, ${salesforce.orgs.get("backfill")?.all("iAdvize_Conversation__c").length} Conversation records`);
  say(`estimate ${real.sfCalls === e.salesforceCalls ? "equals" : "DIFFERS from"} the real run's calls`);
  say(`same run again: ${again.seconds.toFixed(1)} s, ${again.backfill.known} already known, ${again.sfCalls} Salesforce calls`);
} finally {
  await mf.dispose();
  await iadvize.close();
  await salesforce.close();
  rmSync(outdir, { recursive: true, force: true });
}
