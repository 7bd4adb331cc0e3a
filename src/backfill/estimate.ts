// What a page of the backfill would cost in Salesforce API calls, by the sync's own rules:
// the page is one sync batch (the backfill hands the sync a page at a time), its read is
// the subrequests readRequests builds, packed as readAll packs them, and its writes the
// composites writePlan sends for the plan buildPlan makes. Reads iAdvize only: it assumes
// Salesforce holds none of the page's visitors yet, and says what the page costs at most
// when some are (their conversations need the second write); it cannot foresee lookups
// after a duplicate-rule refusal.
import { CONVERSATION, LEAD } from "../salesforce/model.ts";
import { buildPlan } from "../salesforce/plan.ts";
import { readRequests } from "../salesforce/read.ts";
import { packComposites } from "../salesforce/read-all.ts";
import type { SyncItem } from "../sync/item.ts";
import type { TenantConfig } from "../tenants/schema.ts";

export interface PageEstimate {
  /** Leads the sync would create (one per person in the page). */
  leads: number;
  /** Calls when none of the page's visitors is in Salesforce yet. */
  calls: number;
  /** Calls when some are: their conversations join the second write, which the page may not have needed. */
  callsAtMost: number;
}

/**
 * `describe`: the describes the sync would read with this batch (those not cached in D1,
 * on the first batch only: the sync caches them).
 */
export function estimatePage(items: readonly SyncItem[], tenant: TenantConfig, describe: readonly ("Lead" | "Conversation")[]): PageEstimate {
  const settings = tenant.salesforce;
  if (items.length === 0 || !settings) return { leads: 0, calls: 0, callsAtMost: 0 };
  const mappedLeadFields = Object.values(tenant.mapping).filter((m) => m.object === "Lead").map((m) => m.field);
  const checked = describe.length === 0;
  const reads = packComposites(
    readRequests({
      emails: [...new Set(items.flatMap((i) => (i.read.contact.email ? [i.read.contact.email.value] : [])))],
      visitorIds: [...new Set(items.map((i) => i.visitorId))],
      describe: [...describe],
      leadFields: checked ? mappedLeadFields : [],
      uncheckedLeadFields: checked ? [] : mappedLeadFields,
    }),
  ).length;
  const plan = buildPlan({
    items,
    contacts: [],
    leads: [],
    mapping: [],
    describes: { Lead: undefined, Conversation: undefined },
    settings: {
      leadSource: settings.leadSource,
      fallbackLastName: settings.fallbackLastName,
      fallbackCompany: settings.fallbackCompany,
      createLeadWithoutContact: settings.createLeadWithoutContact,
    },
    leadValuesKnown: true,
  });
  // writePlan: new Leads with their conversations in one composite, the rest in a second.
  const first = plan.newLeads.length > 0 ? 1 : 0;
  const second = plan.leadUpdates.length > 0 || plan.conversations.some((c) => c.link.kind !== "new_lead") ? 1 : 0;
  // A visitor found in Salesforce moves from the first write to the second: both may be needed.
  return { leads: plan.newLeads.length, calls: reads + first + second, callsAtMost: reads + (first === 1 ? 2 : second) };
}

/** The objects whose describe is cached, by the names the read asks them by. */
export const DESCRIBED: readonly { name: "Lead" | "Conversation"; object: string }[] = [
  { name: "Lead", object: LEAD.object },
  { name: "Conversation", object: CONVERSATION.object },
];
