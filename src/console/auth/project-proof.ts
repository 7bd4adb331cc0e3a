// The proof a tenant admin gives at sign-in: the iAdvize API user logs in (the client's
// login, with its rules) and reads the project's conversations closed within one minute
// (the `iadvize.project` check, asked of credentials not stored yet).
import { ClientError, GraphQLClient } from "graphql-request";
import { ProjectAccessDocument } from "../../iadvize/generated/graphql.ts";
import type { Credentials } from "../../iadvize/login.ts";
import { login } from "../../iadvize/login.ts";
import type { RetryDeps } from "../../lib/retry.ts";
import { UpstreamError } from "../../lib/upstream-error.ts";

export type Proof = { ok: true } | { ok: false; reason: "bad_credentials" | "no_access" | "rate_limited" | "unavailable" };

export async function proveProjectAccess(
  deps: RetryDeps,
  baseUrl: string,
  platform: "ha" | "sd",
  projectId: number,
  credentials: Credentials,
  now: Date,
): Promise<Proof> {
  let token: string;
  try {
    token = (await login(deps, baseUrl, credentials)).token;
  } catch (err) {
    if (err instanceof UpstreamError && err.code === "auth_failed") return { ok: false, reason: "bad_credentials" };
    if (err instanceof UpstreamError && err.code === "login_rate_limited") return { ok: false, reason: "rate_limited" };
    return { ok: false, reason: "unavailable" };
  }
  const url = platform === "sd" ? `${baseUrl}/graphql?platform=sd` : `${baseUrl}/graphql`;
  const client = new GraphQLClient(url, { fetch: deps.fetch, headers: { authorization: `Bearer ${token}` } });
  try {
    await client.request(ProjectAccessDocument, {
      projectIds: [projectId],
      from: new Date(now.getTime() - 60_000).toISOString(),
      to: now.toISOString(),
    });
    return { ok: true };
  } catch (err) {
    // GraphQL errors (a project this user may not read) and 401/403 answers: no access.
    if (err instanceof ClientError && (err.response.errors?.length || err.response.status === 401 || err.response.status === 403)) {
      return { ok: false, reason: "no_access" };
    }
    return { ok: false, reason: "unavailable" };
  }
}
