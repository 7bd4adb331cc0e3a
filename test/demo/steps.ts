// The demo's steps for what arrived with issue 11: survey answers and a transaction on the
// demo conversation, the live follow-up of an open chat, and a history backfill.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { CAR_DEALER } from "../emulators/iadvize/seed.ts";
import type { SeedConversation, SeedMessage } from "../emulators/iadvize/seed.ts";

export interface DemoContext {
  root: string;
  base: string;
  adminToken: string;
  iadvizeUrl: string;
  say(line: string): void;
  admin(method: string, path: string, body?: unknown): Promise<Response>;
  webhook(event: object): Promise<{ status: number; body: string }>;
  sfRecords(object: string): Promise<Record<string, unknown>[]>;
  until<T>(what: string, probe: () => Promise<T | undefined>, ms?: number): Promise<T>;
}

const pick = (r: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, r[k]]));

/** iAdvize's satisfaction survey clicked three times (CSAT, NPS, a comment), then an order attributed to the chat. */
export async function surveyAnswersAndTransaction(ctx: DemoContext): Promise<void> {
  const base = { ...fixtures.satisfactionAnswered };
  delete (base as Partial<typeof base>).customerSatisfaction;
  const answers = [
    { customerSatisfaction: 5 },
    { netPromoterScore: 9 },
    { satisfactionComment: "Vendeur très réactif." },
  ];
  for (const [i, answer] of answers.entries()) {
    const at = new Date(Date.parse(base.createdAt) + i * 5_000).toISOString();
    const res = await ctx.webhook({ ...base, ...answer, eventId: crypto.randomUUID(), createdAt: at, sentAt: at });
    ctx.say(`iAdvize sends a signed satisfaction.answered ${JSON.stringify(answer)} → ${res.status} ${res.body}`);
  }
  const tx = { ...fixtures.transactionAttributed, eventId: crypto.randomUUID() };
  const res = await ctx.webhook(tx);
  ctx.say(`iAdvize sends a signed transaction.attributed {"transactionId":"${tx.transactionId.slice(0, 8)}…","amount":${tx.amount},"source":"${tx.source}","externalId":"${tx.externalId}"} → ${res.status} ${res.body}`);
  await ctx.until("the answers and the transaction on the Conversation record", async () => {
    const [record] = await ctx.sfRecords("iAdvize_Conversation__c");
    return record?.Transaction_Count__c === 1 && record.Satisfaction_Comment__c ? record : undefined;
  });
}

const FOLLOWED_ID = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9";
const FOLLOWED_VISITOR = "6f7a8b9c-0d1e-4f2a-b3c4-d5e6f7a8b9c0";
const M = CAR_DEALER.messages;

/** The car dealer's messages `from`..`to`, written now, one second apart, with the followed visitor's own email. */
function said(from: number, to: number): SeedMessage[] {
  const now = Date.now();
  return M.slice(from, to + 1).map((m, i) => ({ ...m, text: m.text.replace("jane.doe@example.com", "marc.durand@example.com").replace("Jane", "Marc"), createdAt: new Date(now + i * 1000).toISOString() }));
}

async function emulator(ctx: DemoContext, path: string, body: unknown): Promise<Response> {
  return fetch(`${ctx.iadvizeUrl}/__emulator${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

/** The live follow-up: turned on for the tenant, an open chat written to Salesforce before its close, then completed at the close. */
export async function liveFollowUp(ctx: DemoContext, tenantId: string, tenantBody: Record<string, unknown>): Promise<void> {
  const followUp = { enabled: true };
  const put = await ctx.admin("PUT", `/tenants/${tenantId}`, { ...tenantBody, followUp });
  ctx.say(`PUT /admin/api/tenants/${tenantId} with "followUp": ${JSON.stringify(followUp)} → ${put.status}`);
  const started = new Date();
  const conversation: SeedConversation = {
    ...CAR_DEALER,
    id: FOLLOWED_ID,
    createdAt: started.toISOString(),
    closedAt: null,
    visitor: { ...CAR_DEALER.visitor, id: FOLLOWED_VISITOR, firstName: "Marc", lastName: "Durand", city: "Lyon" },
    customData: [],
    messages: said(0, 0),
  };
  await emulator(ctx, "/conversations", conversation);
  const push = { ...fixtures.conversationPushed, eventId: crypto.randomUUID(), conversationId: FOLLOWED_ID, visitorId: FOLLOWED_VISITOR, createdAt: started.toISOString(), sentAt: started.toISOString() };
  const pushed = await ctx.webhook(push);
  ctx.say(`a new chat opens: iAdvize sends a signed v2.conversation.pushed → ${pushed.status} ${pushed.body} (the bot asks Q4, the email)`);
  const grown = (await (await emulator(ctx, `/conversations/${FOLLOWED_ID}/messages`, { messages: said(1, 4) })).json()) as { messages: number };
  ctx.say(`the chat goes on in iAdvize (emulator POST /__emulator/conversations/<id>/messages): the visitor gives an email, Paul asks Q1, the visitor answers → ${grown.messages} messages, still open`);
  const lead = await ctx.until(
    "the followed visitor's Lead",
    async () => (await ctx.sfRecords("Lead")).find((l) => l.Email === "marc.durand@example.com"),
    90_000,
  );
  const open = (await ctx.sfRecords("iAdvize_Conversation__c")).find((r) => r.Conversation_Id__c === FOLLOWED_ID) ?? {};
  const seconds = ((Date.now() - started.getTime()) / 1000).toFixed(1);
  ctx.say(`before the close (+${seconds} s after the push, the first read is at the tenant's first read slot 30 to 60 s after it): Lead ${JSON.stringify(pick(lead, ["Id", "FirstName", "LastName", "Email", "Vehicle__c"]))}, Conversation record ${JSON.stringify(pick(open, ["Id", "Lead__c", "Closed_At__c"]))}`);

  await emulator(ctx, `/conversations/${FOLLOWED_ID}/messages`, { messages: said(5, 9) });
  const closedAt = new Date().toISOString();
  await emulator(ctx, `/conversations/${FOLLOWED_ID}/closed`, { closedAt });
  const close = { ...fixtures.conversationClosed, eventId: crypto.randomUUID(), conversationId: FOLLOWED_ID, visitorId: FOLLOWED_VISITOR, createdAt: closedAt, sentAt: closedAt };
  const closed = await ctx.webhook(close);
  ctx.say(`the chat ends (Q2, Q3 asked and answered): iAdvize sends a signed v2.conversation.closed → ${closed.status} ${closed.body}`);
  const done = await ctx.until("the followed conversation completed", async () =>
    (await ctx.sfRecords("iAdvize_Conversation__c")).find((r) => r.Conversation_Id__c === FOLLOWED_ID && r.Closed_At__c),
  );
  const leads = (await ctx.sfRecords("Lead")).filter((l) => l.Email === "marc.durand@example.com");
  const records = (await ctx.sfRecords("iAdvize_Conversation__c")).filter((r) => r.Conversation_Id__c === FOLLOWED_ID);
  ctx.say(`after the close: ${leads.length} Lead and ${records.length} Conversation record for it, the same ones: ${JSON.stringify(pick(leads[0] ?? {}, ["Id", "Vehicle__c", "Engine__c"]))}, ${JSON.stringify(pick(done, ["Id", "Lead__c", "Closed_At__c"]))}`);
}

/** Conversations closed in October, before the connector: three with an email, one without. */
function historicalConversations(): SeedConversation[] {
  const people = [
    ["Luc", "Martin", "luc.martin@example.com"],
    ["Ana", "Lopez", "ana.lopez@example.com"],
    ["Tom", "Bernard", "tom.bernard@example.com"],
    ["Eva", "Petit", null],
  ] as const;
  return people.map(([firstName, lastName, email], i) => {
    const start = Date.parse(`2026-10-0${i + 2}T10:00:00.000Z`);
    return {
      ...CAR_DEALER,
      id: `0a1b2c3d-4e5f-4a6b-8c7d-00000000000${i + 1}`,
      createdAt: new Date(start).toISOString(),
      closedAt: new Date(start + 15 * 60_000).toISOString(),
      visitor: { ...CAR_DEALER.visitor, id: `1b2c3d4e-5f6a-4b7c-8d9e-00000000000${i + 1}`, firstName, lastName },
      customData: [],
      messages: M.map((m, k) => ({
        ...m,
        text: email ? m.text.replace("jane.doe@example.com", email).replace("Jane", firstName) : k === 1 ? "je préfère ne pas la donner" : m.text.replace("Jane", firstName),
        createdAt: new Date(start + k * 20_000).toISOString(),
      })),
    };
  });
}

function backfillCli(ctx: DemoContext, tenantId: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ctx.root, "src/cli/backfill.ts"), tenantId, ...args], { cwd: ctx.root, env: { ...process.env, CONNECTOR_URL: ctx.base, ADMIN_TOKEN: ctx.adminToken } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, output: `${stdout}${stderr}`.trim() }),
    );
  });
}

/** The history backfill: the dry run's estimate, the real run's progress, and the Salesforce calls it spent. */
export async function historyBackfill(ctx: DemoContext, tenantId: string): Promise<void> {
  const history = historicalConversations();
  for (const c of history) await emulator(ctx, "/conversations", c);
  ctx.say(`iAdvize holds ${history.length} conversations of project 3291 closed in October 2026, before the connector (one visitor gave no email)`);
  const range = ["--from", "2026-10-01", "--to", "2026-11-01"];
  const calls = async () => {
    const view = (await (await ctx.admin("GET", `/tenants/${tenantId}`)).json()) as { salesforceUsage?: { calls?: number }[] };
    return view.salesforceUsage?.[0]?.calls ?? 0;
  };
  const dry = await backfillCli(ctx, tenantId, [...range, "--dry-run"]);
  ctx.say(`npm run backfill -- ${tenantId} ${range.join(" ")} --dry-run (exit ${dry.code ?? "signal"}):\n${dry.output}`);
  const before = await calls();
  const real = await backfillCli(ctx, tenantId, range);
  ctx.say(`npm run backfill -- ${tenantId} ${range.join(" ")} (exit ${real.code ?? "signal"}):\n${real.output}`);
  await ctx.until("the backfilled conversations synced", async () => {
    const view = (await (await ctx.admin("GET", `/tenants/${tenantId}`)).json()) as { conversations?: Record<string, number> };
    const c = view.conversations ?? {};
    return (c.pending ?? 0) + (c.syncing ?? 0) === 0 ? c : undefined;
  });
  const spent = (await calls()) - before;
  const records = (await ctx.sfRecords("iAdvize_Conversation__c")).filter((r) => String(r.Conversation_Id__c).startsWith("0a1b2c3d-"));
  const estimate = /(\d+) Salesforce API calls/.exec(dry.output)?.[1] ?? "?";
  ctx.say(`backfill: ${records.length} Conversation records written in Salesforce, ${spent} Salesforce API calls spent (the dry run estimated ${estimate})`);
}
