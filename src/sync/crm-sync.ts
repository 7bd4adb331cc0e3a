// One sync run for one tenant: claims its pending conversations, reads them from
// iAdvize, skips those that would change nothing, reads Salesforce once, plans, writes
// in at most two calls, and records each conversation's outcome and the API usage.
import type { Config } from "../env.ts";
import type { Claimed } from "../conversations/sync-store.ts";
import { claimPending, failedStatement, hasPending, releaseStatement, syncedStatement, unchangedStatement } from "../conversations/sync-store.ts";
import { attentionStatement } from "../conversations/attention.ts";
import { ContractError } from "../lib/contract-error.ts";
import { iadvizeClientFor } from "../iadvize/for-tenant.ts";
import { toHex } from "../lib/hmac.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import { errorFields, log } from "../log.ts";
import { cachedDescribes, storeDescribe } from "../salesforce/describe.ts";
import { salesforceApiFor } from "../salesforce/for-tenant.ts";
import { validateMapping } from "../salesforce/mapping.ts";
import { CONVERSATION, LEAD } from "../salesforce/model.ts";
import { buildPlan } from "../salesforce/plan.ts";
import type { SyncItem } from "../salesforce/plan.ts";
import { missingFromDescribes, packageMissing } from "../salesforce/package.ts";
import { parseRead, readRequests } from "../salesforce/read.ts";
import { readAll } from "../salesforce/read-all.ts";
import { recordUsage } from "../salesforce/usage.ts";
import { writePlan } from "../salesforce/write.ts";
import type { TenantConfig } from "../tenants/schema.ts";
import { getTenantConfig } from "../tenants/store.ts";
import { readConversation } from "./read-conversation.ts";
import { latestForConversation } from "../escalation/store.ts";

/** Conversations per run: one Salesforce collection holds 200, and each costs one iAdvize read. */
export const SYNC_BATCH = 100;
const LEASE_MS = 10 * 60 * 1000;
const IADVIZE_CONCURRENCY = 6;
/** After this many failed attempts a conversation is failed for good (a re-drive brings it back). */
const MAX_ATTEMPTS = 8;

export type RunResult =
  | { kind: "done"; synced: number; failed: number; unchanged: number; retrying: number; more: boolean; calls: number }
  | { kind: "retry"; reason: string; delaySeconds?: number }
  | { kind: "not_configured" };

async function contentHash(item: SyncItem, tenant: TenantConfig): Promise<string> {
  const { conversation, extraction } = item.read;
  const material = JSON.stringify([conversation, extraction, item.operatorIds, item.satisfaction, item.escalation, item.channel, item.closedAt, tenant.mapping, tenant.salesforce?.leadSource]);
  return toHex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(material)));
}

async function escalationOf(db: D1Database, tenantId: string, conversationId: string): Promise<SyncItem["escalation"]> {
  const e = await latestForConversation(db, tenantId, conversationId);
  return e ? { status: e.status, reason: e.reason, reference: e.provider_ref, requestedAt: e.created_at } : null;
}

async function inPool<T, R>(items: readonly T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await run(items[i] as T);
    }),
  );
  return out;
}

export async function syncTenant(db: D1Database, config: Config, tenantId: string, now: () => Date = () => new Date()): Promise<RunResult> {
  const tenant = await getTenantConfig(db, config.ENCRYPTION_KEY, tenantId);
  if (!tenant?.salesforce || !tenant.iadvize) return { kind: "not_configured" };
  const settings = tenant.salesforce;

  const claimed = await claimPending(db, tenantId, SYNC_BATCH, LEASE_MS, now());
  if (claimed.length === 0) return { kind: "done", synced: 0, failed: 0, unchanged: 0, retrying: 0, more: false, calls: 0 };
  const statements: D1PreparedStatement[] = [];
  const release = (c: Claimed, error: unknown, count = true) => {
    statements.push(
      count && c.sync_attempts + 1 >= MAX_ATTEMPTS
        ? failedStatement(db, tenantId, c.conversation_id, { code: "retries_exhausted", last: error }, now())
        : releaseStatement(db, tenantId, c.conversation_id, error, count),
    );
  };

  // 1. iAdvize: each conversation, a few at a time.
  const iadvize = iadvizeClientFor(db, config, tenantId, tenant);
  const items: SyncItem[] = [];
  const hashes = new Map<string, string>();
  let unchanged = 0;
  let waitingForContract = 0;
  await inPool(claimed, IADVIZE_CONCURRENCY, async (c) => {
    try {
      const read = await readConversation(iadvize, c.conversation_id, tenant.mapping);
      if (!read) {
        statements.push(failedStatement(db, tenantId, c.conversation_id, { code: "conversation_not_found" }, now()));
        return;
      }
      statements.push(attentionStatement(db, tenantId, c.conversation_id, read.needsAttention));
      const item: SyncItem = {
        conversationId: c.conversation_id,
        visitorId: c.visitor_id ?? c.conversation_id,
        tenantId,
        channel: c.channel,
        startedAt: c.started_at,
        closedAt: c.closed_at,
        operatorIds: JSON.parse(c.operator_ids) as number[],
        satisfaction: c.satisfaction ? (JSON.parse(c.satisfaction) as Record<string, unknown>) : null,
        escalation: await escalationOf(db, tenantId, c.conversation_id),
        read,
      };
      const hash = await contentHash(item, tenant);
      if (hash === c.synced_hash) {
        unchanged++;
        statements.push(unchangedStatement(db, tenantId, c.conversation_id));
        return;
      }
      hashes.set(c.conversation_id, hash);
      items.push(item);
    } catch (err) {
      // The live schema differs from the connector's: not this conversation's fault, it waits.
      if (err instanceof ContractError) {
        release(c, { code: err.problem, paths: err.paths }, false);
        waitingForContract++;
        return;
      }
      const e = err instanceof UpstreamError ? err : undefined;
      log.warn("sync.iadvize_read_failed", { tenantId, conversationId: c.conversation_id, ...errorFields(err) });
      if (e && !e.retryable) statements.push(failedStatement(db, tenantId, c.conversation_id, { code: `iadvize_${e.code}` }, now()));
      else release(c, { code: `iadvize_${e?.code ?? "error"}` });
    }
  });

  let calls = 0;
  let synced = 0;
  let failed = 0;
  let retrying = waitingForContract;
  const api = salesforceApiFor(db, config, tenantId, tenant);
  if (items.length > 0) {
    try {
      // 2. Salesforce, read once: describes not cached, Contacts and Leads of the batch.
      const cached = await cachedDescribes(db, tenantId, [LEAD.object, CONVERSATION.object], now().getTime());
      const describes = { Lead: cached.get(LEAD.object), Conversation: cached.get(CONVERSATION.object) };
      const known = describes.Lead && describes.Conversation;
      const checked = known ? validateMapping(tenant.mapping, describes) : undefined;
      const mappedLeadFields = Object.values(tenant.mapping).filter((m) => m.object === "Lead").map((m) => m.field);
      const emails = [...new Set(items.flatMap((i) => (i.read.contact.email ? [i.read.contact.email.value] : [])))];
      const responses = await readAll(
        api,
        readRequests({
          emails,
          visitorIds: [...new Set(items.map((i) => i.visitorId))],
          describe: [...(describes.Lead ? [] : (["Lead"] as const)), ...(describes.Conversation ? [] : (["Conversation"] as const))],
          leadFields: checked ? checked.usable.filter((m) => m.object === "Lead").map((m) => m.field) : [],
          uncheckedLeadFields: checked ? [] : mappedLeadFields,
        }),
      );
      const read = parseRead(responses);
      if (!read.ok) throw new UpstreamError("salesforce", "read_failed", `Salesforce refused the ${read.referenceId} read: ${read.codes.join(", ")}`, { retryable: false, status: read.status });
      for (const [object, fields] of read.result.describes) {
        const name = object === "Lead" ? LEAD.object : CONVERSATION.object;
        await storeDescribe(db, tenantId, name, fields, now().getTime());
        describes[object] = fields;
      }
      const missing = missingFromDescribes(describes);
      if (missing.length > 0) throw packageMissing(missing);
      const mapping = checked ?? validateMapping(tenant.mapping, describes);
      if (mapping.problems.length > 0) log.warn("sync.mapping_problems", { tenantId, problems: mapping.problems.map((p) => `${p.tag}:${p.problem}`).join(",") });

      // 3. Plan and write.
      const plan = buildPlan({
        items,
        contacts: read.result.contacts,
        leads: read.result.leads,
        mapping: mapping.usable,
        describes,
        settings: {
          leadSource: settings.leadSource,
          fallbackLastName: settings.fallbackLastName,
          fallbackCompany: settings.fallbackCompany,
          createLeadWithoutContact: settings.createLeadWithoutContact,
        },
        leadValuesKnown: read.result.leadValuesKnown,
      });
      const outcomes = await writePlan(api, plan, settings.assignmentRuleId ?? true);
      const problemWarnings = mapping.problems.map((p) => ({ code: `mapping_${p.problem}`, tag: p.tag, field: p.field }));
      for (const item of items) {
        const outcome = outcomes.get(item.conversationId);
        const claim = claimed.find((c) => c.conversation_id === item.conversationId) as Claimed;
        if (outcome?.kind === "synced") {
          synced++;
          statements.push(
            syncedStatement(db, tenantId, {
              conversationId: item.conversationId,
              hash: hashes.get(item.conversationId) ?? "",
              match: outcome.match,
              sfConversationId: outcome.sfConversationId,
              sfLeadId: outcome.sfLeadId,
              sfContactId: outcome.sfContactId,
              warnings: [...outcome.warnings, ...problemWarnings],
            }, now()),
          );
        } else if (outcome?.kind === "failed") {
          failed++;
          statements.push(failedStatement(db, tenantId, item.conversationId, outcome.error, now()));
        } else {
          retrying++;
          release(claim, outcome?.error ?? { code: "not_written" });
        }
      }
    } catch (err) {
      calls = api.calls;
      const e = err instanceof UpstreamError ? err : undefined;
      log.warn("sync.salesforce_failed", { tenantId, ...errorFields(err) });
      const limited = e?.code === "request_limit_exceeded";
      for (const item of items) {
        const claim = claimed.find((c) => c.conversation_id === item.conversationId) as Claimed;
        if (e && !e.retryable) statements.push(failedStatement(db, tenantId, item.conversationId, { code: `salesforce_${e.code}` }, now()));
        // The allowance is used up: the work waits, and does not count as a failed attempt.
        else release(claim, { code: `salesforce_${e?.code ?? "error"}` }, !limited);
      }
      statements.push(recordUsage(db, tenantId, calls, 0, api.usage, now()));
      await db.batch(statements);
      if (e && !e.retryable) return { kind: "done", synced: 0, failed: items.length, unchanged, retrying: 0, more: await hasPending(db, tenantId), calls };
      return limited ? { kind: "retry", reason: "request_limit_exceeded", delaySeconds: 3600 } : { kind: "retry", reason: e?.code ?? "error" };
    }
  }
  calls = api.calls;
  statements.push(recordUsage(db, tenantId, calls, synced, api.usage, now()));
  if (statements.length > 0) await db.batch(statements);
  log.info("sync.run", { tenantId, claimed: claimed.length, synced, failed, unchanged, retrying, calls });
  return { kind: "done", synced, failed, unchanged, retrying, more: claimed.length === SYNC_BATCH || (await hasPending(db, tenantId)), calls };
}
