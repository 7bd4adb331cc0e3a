// `npm start`: the product on its local default. Starts the iAdvize and Salesforce
// emulators, applies the D1 migrations, runs the Worker in workerd (wrangler dev, local
// D1 and Queues, no cloud account), then shows it working: a demo tenant, a signed
// `v2.conversation.closed` sent as iAdvize sends it, and the Lead and Conversation
// record it becomes in the emulated Salesforce; on the way, the tenant's preflight
// checklist, a bot asking for a callback, and after it the customer answering a survey
// by SMS, whose result joins the record; and an IVR moving a caller to WhatsApp. Then
// iAdvize's survey answers and a transaction on that record, an open chat followed live
// into Salesforce, a history backfill (dry run, then real), and the tenant's API budget.
import { execFile, execFileSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { DEMO_USER } from "../emulators/iadvize/seed.ts";
import { DEMO_MAPPING } from "../emulators/salesforce/seed.ts";
import { ensureDevVars } from "./dev-vars.ts";
import { DEMO_CALLCENTRE, DEMO_CONNECTED_APP, DEMO_ORG, DEMO_SF_ADMIN, DEMO_TWILIO, DEMO_WHATSAPP, startDemoEmulators } from "./emulators.ts";
import { firstPortInUse, portInUseMessage } from "./ports.ts";
import { onStopSignal, scratchFolder } from "./scratch.ts";
import { historyBackfill, liveFollowUp, surveyAnswersAndTransaction } from "./steps.ts";
import type { DemoContext } from "./steps.ts";
import { DEMO_SURVEY } from "./survey.ts";
import { devEnv, WRANGLER, wranglerDev } from "./wrangler-dev.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const PORT = Number(process.env.PORT ?? 8787);
const IADVIZE_PORT = PORT + 1;
const SALESFORCE_PORT = PORT + 2;
const CALLCENTRE_PORT = PORT + 3;
const SMS_PORT = PORT + 4;
const ESCALATION_KEY = "demo-escalation-key-5f0b9c2e7a41d386";
const SURVEY_KEY = "demo-survey-key-0c8e2b6f4a9d1375";
const DEFLECTION_KEY = "demo-deflection-key-7d2a4e9c1b3f6085";
const BASE = `http://127.0.0.1:${PORT}`;
const NEEDED = [
  { port: PORT, what: "the Worker" },
  { port: IADVIZE_PORT, what: "the iAdvize emulator" },
  { port: SALESFORCE_PORT, what: "the Salesforce emulator" },
  { port: CALLCENTRE_PORT, what: "the call-centre emulator" },
  { port: SMS_PORT, what: "the Twilio SMS emulator" },
];

const say = (line: string) => process.stdout.write(`[demo] ${line}\n`);
const fail = (line: string): never => {
  process.stderr.write(`[demo] ${line}\n`);
  process.exit(1);
};

const busy = await firstPortInUse(NEEDED);
if (busy) fail(portInUseMessage(busy, PORT, NEEDED.length));

const vars = ensureDevVars(join(ROOT, ".dev.vars"));
const secret = (vars.IADVIZE_WEBHOOK_SECRET ?? "").split(",")[0]?.trim() ?? "";
const adminToken = vars.ADMIN_TOKEN ?? "";

const emulators = await startDemoEmulators({ iadvize: IADVIZE_PORT, salesforce: SALESFORCE_PORT, callcentre: CALLCENTRE_PORT, sms: SMS_PORT }, BASE);
say(`emulators: iAdvize ${emulators.iadvize.url}, Salesforce ${emulators.salesforce.url}, call centre ${emulators.callcentre.url}, Twilio SMS ${emulators.sms.url}`);

// A fresh local D1 and Queues each run: the emulators start empty too, so the demo
// tells the same story every time. The folder is removed when the demo ends, however it ends.
const persist = scratchFolder("connector-demo-");
say("applying D1 migrations to a fresh local database");
execFileSync(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], env: devEnv() });

say(`starting the Worker on ${BASE}`);
const worker = wranglerDev({
  port: PORT,
  persist,
  vars: {
    IADVIZE_API_URL: emulators.iadvize.url,
    ALLOW_TEST_ORIGINS: `${emulators.salesforce.url},${emulators.callcentre.url},${emulators.sms.url}`,
    SALESFORCE_CLIENT_ID: DEMO_CONNECTED_APP.clientId,
    SALESFORCE_CLIENT_SECRET: DEMO_CONNECTED_APP.clientSecret,
    SALESFORCE_LOGIN_URL: emulators.salesforce.url,
  },
  stdio: ["ignore", "inherit", "inherit"],
});
let stopping = false;
onStopSignal(async () => {
  stopping = true;
  await ended(worker, 10_000);
  await Promise.all([emulators.iadvize.close(), emulators.salesforce.close(), emulators.callcentre.close(), emulators.sms.close()]);
});
worker.on("exit", (code) => {
  if (stopping) return;
  say(`the Worker stopped (${code ?? "signal"})`);
  process.exit(code ?? 1);
});

/** Asks the Worker to stop and waits until it has (at most `ms`), so that its folder can go. */
function ended(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

async function waitForHealth(): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${BASE}/health`);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error("the Worker did not become healthy within 60 s");
}

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${BASE}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Signed and delivered by the iAdvize emulator, as iAdvize delivers webhooks. */
async function webhook(event: object): Promise<{ status: number; body: string }> {
  const res = await fetch(`${emulators.iadvize.url}/__emulator/webhooks`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: `${BASE}/webhooks/iadvize`, secret, event }),
  });
  return (await res.json()) as { status: number; body: string };
}

async function sfRecords(object: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${emulators.salesforce.url}/__emulator/orgs/${DEMO_ORG.id}/records/${object}`);
  return (await res.json()) as Record<string, unknown>[];
}

async function demo(): Promise<void> {
  await waitForHealth();
  say("GET /health → UP");
  const tenantId = "ha-3291";
  const tenantBody = {
    name: "Acme Motors (demo)",
    iadvize: DEMO_USER,
    salesforce: { loginUrl: emulators.salesforce.url, auth: { type: "client_credentials", clientId: DEMO_ORG.clientId, clientSecret: DEMO_ORG.clientSecret } },
    mapping: DEMO_MAPPING,
    escalation: {
      key: ESCALATION_KEY,
      provider: { type: "webhook", url: `${emulators.callcentre.url}/webhook/${DEMO_CALLCENTRE.account}`, secret: DEMO_CALLCENTRE.secret },
      defaultCountry: "FR",
      allowedCountries: ["FR", "BE"],
      requireConsent: true,
    },
    surveys: {
      key: SURVEY_KEY,
      provider: { type: "twilio", apiUrl: emulators.sms.url, accountSid: DEMO_TWILIO.accountSid, authToken: DEMO_TWILIO.authToken, from: DEMO_TWILIO.from },
      defaultCountry: "FR",
      allowedCountries: ["FR", "BE"],
      triggers: { afterCallback: { surveyId: DEMO_SURVEY.id, delayMinutes: 0 } },
      definitions: [DEMO_SURVEY],
    },
    deflection: {
      key: DEFLECTION_KEY,
      provider: {
        type: "twilio",
        apiUrl: emulators.sms.url,
        accountSid: DEMO_TWILIO.accountSid,
        authToken: DEMO_TWILIO.authToken,
        from: DEMO_TWILIO.from,
        whatsapp: { from: DEMO_WHATSAPP.from, contentSid: DEMO_WHATSAPP.contentSid, variables: { "1": "reason" } },
      },
      channels: [{ platform: "WhatsApp" }, { platform: "SMS" }],
      defaultCountry: "FR",
      allowedCountries: ["FR", "BE"],
      language: "fr",
    },
  };
  const put = await admin("PUT", `/tenants/${tenantId}`, tenantBody);
  say(`PUT /admin/api/tenants/${tenantId} → ${put.status} (Q1 → Lead.Vehicle__c, Q2 → Lead.Engine__c, Q3 → Lead.Test_Drive__c, Q4 → Lead.Email; chat-to-call through a signed webhook; an SMS survey after each scheduled callback, through Twilio; call to messaging, WhatsApp then SMS, through Twilio)`);

  // Before going live: the preflight, as an administrator runs it (asynchronously: the
  // emulators answering it live in this process).
  const preflight = await new Promise<{ code: number | null; output: string }>((resolve) => {
    execFile(process.execPath, [join(ROOT, "src/cli/check.ts"), tenantId], { cwd: ROOT, env: { ...process.env, CONNECTOR_URL: BASE, ADMIN_TOKEN: adminToken } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
  say(`npm run check -- ${tenantId} (exit ${preflight.code ?? "signal"}):\n${preflight.output}`);

  // The bot's API connection card, as iAdvize calls it: first a mistyped number, then the right one.
  const conversationId = fixtures.conversationClosed.conversationId;
  for (const phone of ["06 12 34", "06 12 34 56 78"]) {
    const path = `/escalations/${ESCALATION_KEY}/callback?phone=${encodeURIComponent(phone)}&conversationId=${conversationId}&consent=oui`;
    const res = await fetch(`${BASE}${path}`);
    say(`bot: GET /escalations/<key>/callback?phone=${phone.replaceAll(" ", "+")}&… → ${res.status} ${await res.text()}`);
  }

  await deflection();

  const closed = { ...fixtures.conversationClosed, eventId: crypto.randomUUID() };
  for (const [name, event] of [["pushed", { ...fixtures.conversationPushed, eventId: crypto.randomUUID() }], ["closed", closed], ["closed (iAdvize retry)", closed]] as const) {
    const res = await webhook(event);
    say(`iAdvize sends a signed v2.conversation.${name} → ${res.status} ${res.body}`);
  }

  const deadline = Date.now() + 60_000;
  let view: { conversations?: Record<string, number>; salesforceUsage?: unknown[] } = {};
  while (Date.now() < deadline) {
    view = (await (await admin("GET", `/tenants/${tenantId}`)).json()) as typeof view;
    if ((view.conversations?.synced ?? 0) + (view.conversations?.failed ?? 0) >= 1) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  say(`conversations of ${tenantId}: ${JSON.stringify(view.conversations)}`);
  say(`Salesforce API usage: ${JSON.stringify(view.salesforceUsage?.[0] ?? null)}`);
  await surveyBySms();
  await surveyAnswersAndTransaction(ctx);
  const [lead] = await sfRecords("Lead");
  const [conversation] = await sfRecords("iAdvize_Conversation__c");
  if (!lead || !conversation) throw new Error("the conversation did not reach Salesforce");
  const pick = (r: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, r[k]]));
  say(`Lead in Salesforce: ${JSON.stringify(pick(lead, ["Id", "FirstName", "LastName", "Company", "Email", "LeadSource", "Vehicle__c", "Engine__c", "Test_Drive__c", "OwnerId"]), null, 2)}`);
  say(`Conversation record: ${JSON.stringify(pick(conversation, ["Id", "Conversation_Id__c", "Lead__c", "Channel__c", "Unanswered__c", "Callback_Outcome__c", "Callback_Reference__c", "Answers__c", "Survey_Id__c", "Survey_Status__c", "Survey_Completed_At__c", "Survey_Score_1__c", "Survey_Answers__c", "CSAT__c", "NPS__c", "Satisfaction_Comment__c", "Satisfaction__c", "Transactions__c", "Transaction_Total__c", "Transaction_Count__c"]), null, 2)}`);
  await liveFollowUp(ctx, tenantId, tenantBody);
  await historyBackfill(ctx, tenantId);
  const budget = await admin("GET", `/tenants/${tenantId}/budget`);
  say(`GET /admin/api/tenants/${tenantId}/budget → ${budget.status} ${await budget.text()}`);
  say(`all records: ${emulators.salesforce.url}/__emulator/orgs/${DEMO_ORG.id}/records/Lead and …/records/iAdvize_Conversation__c`);
  say(`setup console: ${BASE}/setup — sign in with platform ha, project 3291, API user ${DEMO_USER.username} / ${DEMO_USER.password}`);
  say(`  "Connect Salesforce" logs in on the emulated org as ${DEMO_SF_ADMIN.username} / ${DEMO_SF_ADMIN.password}; operator view: ${BASE}/setup/operator with ADMIN_TOKEN from .dev.vars`);
  say(`ready: webhooks at ${BASE}/webhooks/iadvize, admin API at ${BASE}/admin/api/tenants (token in .dev.vars). Ctrl-C stops.`);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** An IVR (a Twilio Studio HTTP request widget) moves a caller who pressed 1 to WhatsApp: the answer, and what the caller's phone receives. */
async function deflection(): Promise<void> {
  const body = { phone: "06 98 76 54 32", optIn: "1", reason: "colis endommagé", topic: "sav", callId: "CA-demo-call-1" };
  const res = await fetch(`${BASE}/deflections/${DEFLECTION_KEY}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  say(`IVR: POST /deflections/<key> ${JSON.stringify(body)} → ${res.status} ${await res.text()}`);
  const inbox = (await (await fetch(`${emulators.sms.url}/__emulator/messages?account=${DEMO_TWILIO.accountSid}&to=${encodeURIComponent(`whatsapp:${DEMO_WHATSAPP.caller}`)}`)).json()) as { body: string }[];
  for (const m of inbox) say(`WhatsApp to the caller (approved template ${DEMO_WHATSAPP.contentSid}): ${JSON.stringify(m.body)}`);
}

/** The survey the callback triggered: the customer reads each SMS at the Twilio emulator and replies, signed as Twilio does. */
async function surveyBySms(): Promise<void> {
  const customer = "+33612345678";
  const inbox = async () =>
    (await (await fetch(`${emulators.sms.url}/__emulator/messages?account=${DEMO_TWILIO.accountSid}&to=${encodeURIComponent(customer)}`)).json()) as { body: string; at: number }[];
  let seen = 0;
  const read = async (count: number) => {
    const list = await until(`${count} SMS`, async () => ((await inbox()).length >= count ? inbox() : undefined));
    for (const m of list.slice(seen)) say(`SMS to the customer (+${((m.at - (list[0]?.at ?? m.at)) / 1000).toFixed(1)} s): ${JSON.stringify(m.body)}`);
    seen = list.length;
  };
  await read(2);
  for (const [text, next] of [["dix", 3], ["9", 4], ["oui", 5], ["Rappel très rapide, merci !", 6]] as const) {
    const res = await fetch(`${emulators.sms.url}/__emulator/reply`, {
      method: "POST",
      body: JSON.stringify({ account: DEMO_TWILIO.accountSid, from: customer, to: DEMO_TWILIO.from, body: text, deliver: true }),
    });
    const answer = (await res.json()) as { status: number };
    say(`customer replies ${JSON.stringify(text)} (Twilio-signed POST /sms/inbound/twilio → ${answer.status})`);
    await read(next);
  }
  await until("the survey on the Conversation record", async () => {
    const [record] = await sfRecords("iAdvize_Conversation__c");
    return record?.Survey_Status__c === "completed" ? record : undefined;
  });
  const summary = await (await admin("GET", `/tenants/ha-3291/surveys/${DEMO_SURVEY.id}/summary`)).json();
  say(`GET /admin/api/tenants/ha-3291/surveys/${DEMO_SURVEY.id}/summary → ${JSON.stringify(summary)}`);
}

const ctx: DemoContext = { root: ROOT, base: BASE, adminToken, iadvizeUrl: emulators.iadvize.url, say, admin, webhook, sfRecords, until };

demo().catch((err: unknown) => {
  process.stderr.write(`[demo] failed: ${err instanceof Error ? err.message : String(err)}\n`);
  worker.kill("SIGTERM");
  process.exit(1);
});
