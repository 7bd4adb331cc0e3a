// The Salesforce half of a run, before writing: the read (the describes not cached, the
// batch's Contacts and Leads, in as few composites as the limits allow), the package
// checked against the describes, the mapping checked. A missing package object or field
// is a ContractError (thrown by salesforce/): the run holds the tenant.
import { UpstreamError } from "../lib/upstream-error.ts";
import { log } from "../log.ts";
import type { SalesforceApi } from "../salesforce/api.ts";
import { cachedDescribes, storeDescribe } from "../salesforce/describe.ts";
import type { Fields } from "../salesforce/describe.ts";
import { validateMapping } from "../salesforce/mapping.ts";
import { CONVERSATION, LEAD } from "../salesforce/model.ts";
import { missingFromDescribes, packageMissing } from "../salesforce/package.ts";
import { mergedRecord } from "../salesforce/existing.ts";
import { buildPlan } from "../salesforce/plan.ts";
import type { Plan } from "../salesforce/plan.ts";
import { parseRead, readRequests } from "../salesforce/read.ts";
import { readAll } from "../salesforce/read-all.ts";
import type { ReadResult } from "../salesforce/read.ts";
import type { TenantConfig } from "../tenants/schema.ts";
import type { SyncItem } from "./item.ts";

export interface SalesforceRead {
  read: ReadResult;
  describes: { Lead: Fields | undefined; Conversation: Fields | undefined };
  mapping: ReturnType<typeof validateMapping>;
}

/**
 * The writes for these items given what was read: the one way the sync and the console's preview plan.
 * An item whose row never saw its push or close and whose record Salesforce has only adds its late
 * answers and transactions to that record, or is left out when it adds nothing.
 */
export function planFromRead(items: readonly SyncItem[], sf: SalesforceRead, settings: NonNullable<TenantConfig["salesforce"]>): Plan {
  const late = items.filter((i) => i.visitorKnown === false && sf.read.existing.has(i.conversationId));
  const plan = buildPlan({
    // One open and never pushed whose record Salesforce does not have waits for its close.
    items: items.filter((i) => !late.includes(i) && !i.lateOpen),
    contacts: sf.read.contacts,
    leads: sf.read.leads,
    mapping: sf.mapping.usable,
    describes: sf.describes,
    settings: {
      leadSource: settings.leadSource,
      fallbackLastName: settings.fallbackLastName,
      fallbackCompany: settings.fallbackCompany,
      createLeadWithoutContact: settings.createLeadWithoutContact,
    },
    leadValuesKnown: sf.read.leadValuesKnown,
  });
  for (const item of late) {
    const existing = sf.read.existing.get(item.conversationId);
    const record = existing && mergedRecord(item, existing, sf.describes.Conversation);
    if (!record) continue;
    plan.conversations.push({ conversationId: item.conversationId, link: { kind: "none" }, record });
    plan.outcomes.set(item.conversationId, { match: "existing_record", warnings: [] });
  }
  return plan;
}

export async function readFromSalesforce(
  api: SalesforceApi,
  db: D1Database,
  tenantId: string,
  tenant: TenantConfig,
  items: readonly SyncItem[],
  now: Date,
): Promise<SalesforceRead> {
  const cached = await cachedDescribes(db, tenantId, [LEAD.object, CONVERSATION.object], now.getTime());
  const describes = { Lead: cached.get(LEAD.object), Conversation: cached.get(CONVERSATION.object) };
  const checked = describes.Lead && describes.Conversation ? validateMapping(tenant.mapping, describes) : undefined;
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
      conversationIds: items.filter((i) => i.visitorKnown === false).map((i) => i.conversationId),
    }),
  );
  const parsed = parseRead(responses);
  if (!parsed.ok) {
    throw new UpstreamError("salesforce", "read_refused", `Salesforce refused the ${parsed.referenceId} read: ${parsed.codes.join(", ")}`, { retryable: false, status: parsed.status });
  }
  for (const [object, fields] of parsed.result.describes) {
    await storeDescribe(db, tenantId, object === "Lead" ? LEAD.object : CONVERSATION.object, fields, now.getTime());
    describes[object] = fields;
  }
  const missing = missingFromDescribes(describes);
  if (missing.length > 0) throw packageMissing(missing);
  const mapping = checked ?? validateMapping(tenant.mapping, describes);
  if (mapping.problems.length > 0) log.warn("sync.mapping_problems", { tenantId, problems: mapping.problems.map((p) => `${p.tag}:${p.problem}`).join(",") });
  return { read: parsed.result, describes, mapping };
}
