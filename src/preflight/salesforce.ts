// The Salesforce checks, from one composite read (one API call): the login, the
// connector's package (custom object, fields, external ids), the mapping, the
// assignment rule, and the org's daily API allowance from Sforce-Limit-Info.
import * as z from "zod";
import type { ApiUsage } from "../salesforce/api.ts";
import { fieldsOf, ObjectDescribe, storeDescribe } from "../salesforce/describe.ts";
import type { Fields } from "../salesforce/describe.ts";
import { salesforceApiFor } from "../salesforce/for-tenant.ts";
import { API_VERSION, CONVERSATION, LEAD, WRITTEN_CUSTOM_FIELDS } from "../salesforce/model.ts";
import { queryUrl } from "../salesforce/soql.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import { releaseTenantHold } from "./holds.ts";
import { mappingOutcome } from "./mapping.ts";
import type { CheckContext, CheckDefinition } from "./types.ts";
import { failed, ok, warning } from "./types.ts";

/** Standard Lead fields the sync writes besides the package's. */
const LEAD_STANDARD_FIELDS = ["FirstName", "LastName", "Company", "Email", "Phone", "LeadSource"];
const EXTERNAL_IDS = [`${LEAD.object}.${LEAD.visitorId}`, `${CONVERSATION.object}.${CONVERSATION.conversationId}`];
/** Warn when less than this share of the daily API allowance is left. */
export const LOW_API_SHARE = 0.2;

const RawField = z.object({ name: z.string(), createable: z.boolean(), updateable: z.boolean(), externalIdField: z.boolean().optional() }).loose();
const RawDescribe = z.object({ fields: z.array(RawField) }).loose();
const Rules = z.object({ records: z.array(z.object({ Id: z.string(), Name: z.string().optional(), Active: z.boolean() }).loose()) });

interface OrgRead {
  /** Per object: its fields, or null when the org has no such object. */
  describes: Map<string, { raw: z.infer<typeof RawDescribe>; fields: Fields } | null>;
  rules: z.infer<typeof Rules>["records"] | undefined;
  usage: ApiUsage | undefined;
}

const reads = new WeakMap<object, Promise<OrgRead>>();

/** The org read once per check run (the checks share the run's tenant object). */
function readOrg(ctx: CheckContext): Promise<OrgRead> {
  let read = reads.get(ctx.tenant);
  if (!read) {
    read = fetchOrg(ctx);
    reads.set(ctx.tenant, read);
  }
  return read;
}

async function fetchOrg(ctx: CheckContext): Promise<OrgRead> {
  const api = salesforceApiFor(ctx.db, ctx.config, ctx.tenantId, ctx.tenant);
  const objects = [LEAD.object, CONVERSATION.object];
  const responses = await api.composite(
    [
      ...objects.map((o) => ({ method: "GET" as const, url: `/services/data/v${API_VERSION}/sobjects/${o}/describe`, referenceId: `describe_${o}` })),
      { method: "GET", url: queryUrl(API_VERSION, "SELECT Id, Name, Active FROM AssignmentRule WHERE SobjectType = 'Lead'"), referenceId: "rules" },
    ],
    { autoAssign: false },
  );
  const describes: OrgRead["describes"] = new Map();
  for (const object of objects) {
    const r = responses.find((x) => x.referenceId === `describe_${object}`);
    const raw = r && r.httpStatusCode < 400 ? RawDescribe.safeParse(r.body) : undefined;
    const typed = r && r.httpStatusCode < 400 ? ObjectDescribe.safeParse(r.body) : undefined;
    if (raw?.success && typed?.success) {
      const fields = fieldsOf(typed.data);
      describes.set(object, { raw: raw.data, fields });
      await storeDescribe(ctx.db, ctx.tenantId, object, fields, ctx.now().getTime());
    } else {
      describes.set(object, null);
    }
  }
  const rulesAnswer = responses.find((x) => x.referenceId === "rules");
  const rules = rulesAnswer && rulesAnswer.httpStatusCode < 400 ? Rules.safeParse(rulesAnswer.body) : undefined;
  return { describes, rules: rules?.success ? rules.data.records : undefined, usage: api.usage };
}

const auth: CheckDefinition = {
  id: "salesforce.auth",
  async run(ctx) {
    const settings = ctx.tenant.salesforce;
    if (!settings) return failed("not_configured", "No Salesforce connection is configured.", "Set salesforce.loginUrl and salesforce.auth (PUT /admin/api/tenants/:id).");
    try {
      await readOrg(ctx);
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      if (err.code === "auth_failed") {
        return failed("login_refused", `Salesforce refused the ${settings.auth.type} login at salesforce.loginUrl${err.status ? ` (HTTP ${err.status})` : ""}.`, "Check salesforce.loginUrl (the org's My Domain), salesforce.auth.clientId and its secret or key, and that the connected app allows this flow for the integration user.");
      }
      if (err.code === "bad_private_key") return failed("bad_private_key", "salesforce.auth.privateKey is not a PKCS#8 RSA key in PEM.", "Export the key with openssl pkcs8 -topk8 -nocrypt and save the tenant again.");
      if (err.code === "request_limit_exceeded") return failed("request_limit_exceeded", "The org's daily API allowance is used up: Salesforce refuses every call until it resets.", "Wait for the 24-hour window to roll, or ask Salesforce for a higher allowance.");
      return failed(`salesforce_${err.code}`, `Salesforce could not be reached or refused the call (${err.code}).`, "Check salesforce.loginUrl and Salesforce's status page, then run the check again.");
    }
    return ok("logged_in", `Logged in to Salesforce with ${settings.auth.type}; the session is shared with the sync.`);
  },
};

const pkg: CheckDefinition = {
  id: "salesforce.package",
  needs: ["salesforce.auth"],
  async run(ctx) {
    const { describes } = await readOrg(ctx);
    const problems: string[] = [];
    const expected: Record<string, readonly string[]> = {
      [LEAD.object]: [...LEAD_STANDARD_FIELDS, ...(WRITTEN_CUSTOM_FIELDS[LEAD.object] ?? [])],
      [CONVERSATION.object]: WRITTEN_CUSTOM_FIELDS[CONVERSATION.object] ?? [],
    };
    for (const [object, names] of Object.entries(expected)) {
      const described = describes.get(object);
      if (!described) {
        problems.push(`${object} (no such object)`);
        continue;
      }
      const byName = new Map(described.raw.fields.map((f) => [f.name, f]));
      for (const name of names) {
        const f = byName.get(name);
        const path = `${object}.${name}`;
        if (!f) problems.push(`${path} (missing)`);
        else if (!f.createable || !f.updateable) problems.push(`${path} (not ${!f.createable ? "createable" : "updateable"})`);
        else if (EXTERNAL_IDS.includes(path) && f.externalIdField !== true) problems.push(`${path} (not an external id)`);
      }
    }
    if (problems.length > 0) {
      return failed(
        "package_incomplete",
        `The org lacks what the connector writes: ${problems.join(", ")}.`,
        "Deploy the package in salesforce/ (sf project deploy start --source-dir force-app) and assign the permission set iAdvize_Connector to the integration user: fields it cannot see are missing from describe.",
      );
    }
    if (await releaseTenantHold(ctx.db, ctx.tenantId, "salesforce_package_missing")) {
      return ok("hold_released", "The package is complete; the tenant's hold salesforce_package_missing is released and its waiting conversations sync now.");
    }
    return ok("package_complete", `${CONVERSATION.object} and every field the connector writes are there, writable, with their external ids (${EXTERNAL_IDS.join(", ")}).`);
  },
};

const mapping: CheckDefinition = {
  id: "salesforce.mapping",
  needs: ["salesforce.auth"],
  async run(ctx) {
    const { describes } = await readOrg(ctx);
    return mappingOutcome(ctx.tenant.mapping, { Lead: describes.get(LEAD.object)?.fields, Conversation: describes.get(CONVERSATION.object)?.fields });
  },
};

const assignment: CheckDefinition = {
  id: "salesforce.assignment",
  needs: ["salesforce.auth"],
  async run(ctx) {
    const { rules } = await readOrg(ctx);
    if (!rules) return warning("rules_unreadable", "The Lead assignment rules could not be read.", "Give the integration user the View Setup and Configuration permission, or set salesforce.assignmentRuleId.");
    const wanted = ctx.tenant.salesforce?.assignmentRuleId;
    if (wanted) {
      const rule = rules.find((r) => r.Id.slice(0, 15) === wanted.slice(0, 15));
      if (!rule) return failed("rule_not_found", "salesforce.assignmentRuleId names no Lead assignment rule of this org.", "Copy the id of a Lead assignment rule (01Q…) from Setup, or remove the setting to use the active rule.");
      if (!rule.Active) return warning("rule_inactive", `salesforce.assignmentRuleId names the inactive rule ${rule.Name ?? rule.Id}.`, "Activate it in Setup → Lead Assignment Rules, or name the active one.");
      return ok("rule_found", `New Leads go through the rule ${rule.Name ?? rule.Id} (salesforce.assignmentRuleId).`);
    }
    const active = rules.find((r) => r.Active);
    if (!active) return warning("no_active_rule", "The org has no active Lead assignment rule: new Leads stay with the integration user.", "Activate a rule in Setup → Lead Assignment Rules, or set salesforce.assignmentRuleId.");
    return ok("active_rule", `New Leads go through the org's active assignment rule ${active.Name ?? active.Id}.`);
  },
};

const apiUsage: CheckDefinition = {
  id: "salesforce.api_usage",
  needs: ["salesforce.auth"],
  async run(ctx) {
    const { usage } = await readOrg(ctx);
    if (!usage || usage.limit <= 0) return warning("usage_unknown", "Salesforce did not report the org's API usage (Sforce-Limit-Info).");
    const left = Math.max(0, usage.limit - usage.used);
    const share = left / usage.limit;
    const text = `${left} of the org's ${usage.limit} daily API calls left (${Math.round(share * 100)} %)`;
    if (share < LOW_API_SHARE) return warning("api_allowance_low", `${text}: other integrations use most of it.`, "A sync batch of up to 100 conversations costs 2 or 3 calls; when the allowance runs out the work waits (pending) for the next window.");
    return ok("api_allowance", `${text}.`);
  },
};

export const SALESFORCE_CHECKS: readonly CheckDefinition[] = [auth, pkg, mapping, assignment, apiUsage];
