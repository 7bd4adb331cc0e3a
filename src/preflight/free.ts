// The checks that cost nothing (no call to any service), run when a tenant is saved:
// what is not configured, a question mapped twice to one field, and the mapping against
// the org's describe when one is cached. (A URL without TLS never gets this far: the
// tenant's schema refuses it.)
import { cachedDescribes } from "../salesforce/describe.ts";
import { CONVERSATION, LEAD } from "../salesforce/model.ts";
import type { TenantConfig } from "../tenants/schema.ts";
import { mappingOutcome } from "./mapping.ts";
import type { CheckResult, Outcome } from "./types.ts";
import { warning } from "./types.ts";

/** The free checks that did not pass: warnings (or failures) to show when saving. */
export async function freeChecks(db: D1Database, tenantId: string, tenant: TenantConfig, now: Date): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const add = (id: string, outcome: Outcome) => {
    if (outcome.status !== "ok") out.push({ id, ...outcome });
  };
  if (!tenant.iadvize) add("config.iadvize", warning("not_configured", "No iAdvize API user: conversations cannot be read.", "Set iadvize.username and iadvize.password."));
  if (!tenant.salesforce) add("config.salesforce", warning("not_configured", "No Salesforce connection: conversations wait until one is set.", "Set salesforce.loginUrl and salesforce.auth."));

  const byField = new Map<string, string[]>();
  for (const [tag, m] of Object.entries(tenant.mapping)) byField.set(`${m.object}.${m.field}`, [...(byField.get(`${m.object}.${m.field}`) ?? []), tag]);
  const shared = [...byField].filter(([, tags]) => tags.length > 1).map(([field, tags]) => `${tags.join(" and ")} → ${field}`);
  if (shared.length > 0) add("config.mapping", warning("field_mapped_twice", `Several questions write one field: ${shared.join("; ")}; the later answer wins.`, "Map each question to its own field."));

  if (tenant.salesforce && Object.keys(tenant.mapping).length > 0) {
    const cached = await cachedDescribes(db, tenantId, [LEAD.object, CONVERSATION.object], now.getTime());
    const lead = cached.get(LEAD.object);
    const conversation = cached.get(CONVERSATION.object);
    // Only the entries whose object's describe is cached can be judged without a call.
    const judged = Object.fromEntries(Object.entries(tenant.mapping).filter(([, m]) => (m.object === "Lead" ? lead : conversation)));
    if (Object.keys(judged).length > 0) {
      const outcome = mappingOutcome(judged, { Lead: lead, Conversation: conversation });
      add("salesforce.mapping", { ...outcome, message: `${outcome.message} (from the org's describe cached within the last day)` });
    }
  }
  return out;
}
