// The iAdvize checks: the API user logs in (through the token cache the sync shares),
// the live schema accepts every operation the connector sends, and the user can read
// the tenant's project.
import { buildClientSchema, print } from "graphql";
import * as z from "zod";
import { iadvizeTokenFor } from "../iadvize/for-tenant.ts";
import { introspect, invalidPaths, storeSchema } from "../iadvize/live-schema.ts";
import { ProjectAccessDocument } from "../iadvize/generated/graphql.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import { releaseTenantHold } from "./holds.ts";
import { OPERATIONS } from "./operations.ts";
import type { CheckContext, CheckDefinition, Outcome } from "./types.ts";
import { failed, ok } from "./types.ts";

const platformOf = (tenantId: string) => (tenantId.startsWith("sd-") ? "sd" : "ha");
const graphqlUrl = (ctx: CheckContext) => `${ctx.config.IADVIZE_API_URL}/graphql${platformOf(ctx.tenantId) === "sd" ? "?platform=sd" : ""}`;

function tokenOf(ctx: CheckContext): (rejected?: string) => Promise<string> {
  return iadvizeTokenFor(ctx.db, ctx.config, ctx.tenantId, ctx.tenant);
}

/** What a failed login means for the administrator. */
function loginFailure(err: unknown): Outcome {
  if (!(err instanceof UpstreamError)) throw err;
  switch (err.code) {
    case "auth_failed":
      return failed("credentials_refused", "iAdvize refused the API user's credentials (iadvize.username, iadvize.password).", "Check the user and its password in the iAdvize administration; save the tenant again with the right ones.");
    case "login_rate_limited":
      return failed("login_rate_limited", "iAdvize refused the login: too many logins of this user within a minute.", "Wait a minute, then run the check again; make sure no other tool logs in with this user.");
    default:
      return failed(`iadvize_${err.code}`, `iAdvize could not be reached to log in (${err.code}).`, "Check IADVIZE_API_URL and iAdvize's status page, then run the check again.");
  }
}

const login: CheckDefinition = {
  id: "iadvize.login",
  async run(ctx) {
    if (!ctx.tenant.iadvize) {
      return failed("not_configured", "No iAdvize API user is configured.", "Set iadvize.username and iadvize.password (PUT /admin/api/tenants/:id).");
    }
    const token = tokenOf(ctx);
    try {
      const first = await token();
      const res = await ctx.fetch(`${ctx.config.IADVIZE_API_URL}/_authenticated`, { headers: { authorization: `Bearer ${first}` }, signal: ctx.signal });
      await res.body?.cancel();
      // A stored token iAdvize no longer accepts: one fresh login, shared with the sync.
      if (res.status === 401) await token(first);
    } catch (err) {
      return loginFailure(err);
    }
    return ok("logged_in", "The iAdvize API user logs in; its token is shared with the sync and reused until it expires.");
  },
};

const schema: CheckDefinition = {
  id: "iadvize.schema",
  needs: ["iadvize.login"],
  async run(ctx) {
    let introspection;
    try {
      introspection = await introspect({ fetch: ctx.fetch, baseUrl: ctx.config.IADVIZE_API_URL, platform: platformOf(ctx.tenantId), token: tokenOf(ctx), signal: ctx.signal });
    } catch (err) {
      if (err instanceof UpstreamError && err.code === "introspection_refused") {
        return failed("introspection_refused", `iAdvize refused to describe its schema (HTTP ${err.status ?? "?"}).`, "The connector needs introspection to check its queries; ask iAdvize support whether it is disabled for this API user.");
      }
      throw err;
    }
    await storeSchema(ctx.db, ctx.tenantId, introspection, ctx.now());
    const live = buildClientSchema(introspection);
    const paths = new Set<string>();
    const other = new Set<string>();
    const invalid: string[] = [];
    for (const [name, document] of OPERATIONS) {
      const result = invalidPaths(live, document);
      if (result.paths.length === 0 && result.otherErrors.length === 0) continue;
      invalid.push(name);
      for (const p of result.paths) paths.add(p);
      for (const m of result.otherErrors) other.add(m);
    }
    if (invalid.length > 0) {
      const what = paths.size > 0 ? [...paths].sort().join(", ") : [...other].join(" ");
      return failed(
        "schema_mismatch",
        `The live iAdvize schema does not accept ${invalid.join(", ")}: ${what}.`,
        "Run npm run schema:pull with this API user and npm run codegen, correct graphql/operations/, deploy, then run the check again. Conversations wait meanwhile; none is lost.",
      );
    }
    const names = [...OPERATIONS.keys()].join(", ");
    if (await releaseTenantHold(ctx.db, ctx.tenantId, "iadvize_schema_mismatch")) {
      return ok("hold_released", `The live schema accepts every operation (${names}); the tenant's hold iadvize_schema_mismatch is released and its waiting conversations sync now.`);
    }
    return ok("schema_valid", `The live schema accepts every operation the connector sends (${names}).`);
  },
};

const GraphqlAnswer = z.object({
  data: z.object({ closedConversations: z.object({ edges: z.array(z.unknown()) }).nullable() }).nullable().optional(),
  errors: z.array(z.object({ extensions: z.object({ code: z.unknown() }).loose().optional() }).loose()).optional(),
});

const DENIED = /FORBIDDEN|UNAUTHORI[SZ]ED|ACCESS_DENIED|PERMISSION/i;

const project: CheckDefinition = {
  id: "iadvize.project",
  needs: ["iadvize.login"],
  async run(ctx) {
    const projectId = Number(ctx.tenantId.slice(3));
    const to = ctx.now();
    const from = new Date(to.getTime() - 60_000);
    const body = JSON.stringify({
      query: print(ProjectAccessDocument),
      operationName: "ProjectAccess",
      variables: { projectIds: [projectId], from: from.toISOString(), to: to.toISOString() },
    });
    const token = tokenOf(ctx);
    const send = async (t: string) =>
      ctx.fetch(graphqlUrl(ctx), { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${t}` }, body, signal: ctx.signal });
    const first = await token();
    let res = await send(first);
    if (res.status === 401) {
      await res.body?.cancel();
      res = await send(await token(first));
    }
    const parsed = GraphqlAnswer.safeParse(await res.json().catch(() => null));
    if (!parsed.success || res.status >= 500) return failed("unexpected_answer", `iAdvize answered the project query with HTTP ${res.status} and an unexpected body.`, "Run the check again; if it persists, see iAdvize's status page.");
    const codes = (parsed.data.errors ?? []).map((e) => String(e.extensions?.code ?? "")).filter(Boolean);
    if (res.status === 403 || codes.some((c) => DENIED.test(c))) {
      return failed("project_forbidden", `The API user cannot read project ${projectId} (tenant ${ctx.tenantId}).`, "Give the iAdvize API user access to this project, or check the tenant id: platform (ha or sd) and project id.");
    }
    if (parsed.data.errors?.length || !parsed.data.data?.closedConversations) {
      return failed("project_query_refused", `iAdvize refused the project query (${codes.join(", ") || `HTTP ${res.status}`}).`, "See iadvize.schema: the query may not match the live schema.");
    }
    return ok("project_readable", `The API user reads project ${projectId}'s closed conversations.`);
  },
};

export const IADVIZE_CHECKS: readonly CheckDefinition[] = [login, schema, project];
