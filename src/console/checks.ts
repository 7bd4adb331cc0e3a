// The Checks page's source: the preflight's answer shape ({ok, checkedAt, checks}).
// ADAPTER: the preflight (POST /admin/api/tenants/:id/check, issue 8) is being built on
// another branch; until its runner is on main, these few checks fill the same shape.
import type { Bindings, Config } from "../env.ts";
import { errorFields, log } from "../log.ts";
import { salesforceLogin } from "../salesforce/auth.ts";
import { getTenantConfig } from "../tenants/store.ts";
import { proveProjectAccess } from "./auth/project-proof.ts";
import { targetFields } from "./fields.ts";
import { retryDeps } from "./tenant.ts";

export type CheckStatus = "ok" | "warning" | "failed" | "skipped";
export interface CheckResult {
  id: string;
  status: CheckStatus;
  code: string;
  message: string;
  hint?: string;
}
export interface Report {
  ok: boolean;
  checkedAt: string;
  checks: CheckResult[];
}

const result = (id: string, status: CheckStatus, code: string, message: string, hint?: string): CheckResult => ({ id, status, code, message, ...(hint ? { hint } : {}) });

export async function runTenantChecks(env: Bindings, config: Config, tenantId: string, now: Date): Promise<Report> {
  const tenant = await getTenantConfig(env.DB, config.ENCRYPTION_KEY, tenantId);
  const checks: CheckResult[] = [];
  const [platform, project] = tenantId.split("-") as ["ha" | "sd", string];

  if (!tenant?.iadvize) checks.push(result("iadvize.project", "failed", "not_configured", "No iAdvize API user is set.", "Set one on the iAdvize page."));
  else {
    const proof = await proveProjectAccess(retryDeps(), config.IADVIZE_API_URL, platform, Number(project), tenant.iadvize, now);
    checks.push(
      proof.ok
        ? result("iadvize.project", "ok", "readable", `The API user can read project ${project}.`)
        : result("iadvize.project", "failed", proof.reason, `The API user cannot read project ${project} (${proof.reason}).`, "Check the API user's email, password and projects in iAdvize."),
    );
  }

  let salesforceOk = false;
  if (!tenant?.salesforce) checks.push(result("salesforce.auth", "failed", "not_configured", "Salesforce is not connected.", "Use “Connect Salesforce” on the Salesforce page."));
  else {
    try {
      await salesforceLogin(retryDeps(), tenant.salesforce, now.getTime());
      salesforceOk = true;
      checks.push(result("salesforce.auth", "ok", "logged_in", `Logged in to Salesforce (${tenant.salesforce.auth.type}).`));
    } catch (err) {
      log.warn("console.check_failed", { tenantId, check: "salesforce.auth", ...errorFields(err) });
      checks.push(result("salesforce.auth", "failed", "auth_failed", "Salesforce refused the login.", "Connect Salesforce again, or check the server-to-server settings."));
    }
  }

  const mapped = Object.entries(tenant?.mapping ?? {});
  if (!salesforceOk || !tenant) checks.push(result("salesforce.mapping", "skipped", "needs_salesforce.auth", "Not run: salesforce.auth did not pass."));
  else if (mapped.length === 0) checks.push(result("salesforce.mapping", "warning", "empty", "No question is mapped to a field.", "Map Q1, Q2, … on the Mapping page."));
  else {
    const fields = await targetFields(env.DB, config, tenantId, tenant);
    const wrong = mapped.filter(([, m]) => !fields.some((f) => f.object === m.object && f.name === m.field && f.choosable));
    checks.push(
      wrong.length === 0
        ? result("salesforce.mapping", "ok", "writable", `${mapped.length} mapped question(s), each to a writable field.`)
        : result("salesforce.mapping", "failed", "not_writable", `Not writable: ${wrong.map(([tag, m]) => `${tag} → ${m.object}.${m.field}`).join(", ")}.`, "Choose another field on the Mapping page."),
    );
  }
  return { ok: checks.every((c) => c.status !== "failed"), checkedAt: now.toISOString(), checks };
}
