// "Connect Salesforce": the OAuth 2.0 web-server flow with PKCE (S256) through the
// operator's connected app. The authorize URL, the code exchange for a refresh token,
// and what the new connection shows an admin: the org, the user, the API allowance.
import * as z from "zod";
import { fetchWithRetry } from "../lib/retry.ts";
import type { RetryDeps, RetryPolicy } from "../lib/retry.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import { API_VERSION } from "./model.ts";

const RETRY: RetryPolicy = { attempts: 2, baseDelayMs: 500, maxDelayMs: 2000, timeoutMs: 10_000 };

const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

export function randomToken(bytes = 32): string {
  return b64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** RFC 7636: a 43-character verifier and its S256 challenge. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = randomToken(32);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  return { verifier, challenge: b64url(digest) };
}

export function authorizeUrl(opts: { loginUrl: string; clientId: string; redirectUri: string; challenge: string; state: string }): string {
  const url = new URL(`${opts.loginUrl}/services/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: opts.clientId,
    redirect_uri: opts.redirectUri,
    code_challenge: opts.challenge,
    code_challenge_method: "S256",
    scope: "api refresh_token",
    state: opts.state,
    prompt: "login consent",
  }).toString();
  return url.href;
}

const CodeAnswer = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  instance_url: z.url(),
  id: z.url(),
});

export interface Connected {
  accessToken: string;
  refreshToken: string;
  instanceUrl: string;
  identityUrl: string;
}

export async function exchangeCode(
  deps: RetryDeps,
  opts: { loginUrl: string; clientId: string; clientSecret?: string | undefined; code: string; verifier: string; redirectUri: string },
): Promise<Connected> {
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code: opts.code,
    client_id: opts.clientId,
    redirect_uri: opts.redirectUri,
    code_verifier: opts.verifier,
    ...(opts.clientSecret ? { client_secret: opts.clientSecret } : {}),
  });
  const outcome = await fetchWithRetry(
    deps,
    `${opts.loginUrl}/services/oauth2/token`,
    { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body: body.toString() },
    RETRY,
  );
  if (!outcome.ok) throw new UpstreamError("salesforce", "unreachable", `Salesforce code exchange: ${outcome.reason}`, { retryable: true });
  const parsed = CodeAnswer.safeParse(await outcome.response.json().catch(() => null));
  if (!outcome.response.ok || !parsed.success) {
    throw new UpstreamError("salesforce", "auth_failed", `Salesforce refused the authorization code (${outcome.response.status})`, {
      retryable: false,
      status: outcome.response.status,
    });
  }
  return {
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token,
    instanceUrl: parsed.data.instance_url.replace(/\/+$/, ""),
    identityUrl: parsed.data.id,
  };
}

const Identity = z.object({ organization_id: z.string().min(1), username: z.string().min(1) });
const Limits = z.object({ DailyApiRequests: z.object({ Max: z.number(), Remaining: z.number() }) });

export interface ConnectionInfo {
  orgId: string;
  username: string;
  apiMax: number | null;
  apiRemaining: number | null;
}

/** The identity of the user who consented, and the org's daily API allowance (two calls, once per connection). */
export async function connectionInfo(deps: RetryDeps, c: Connected): Promise<ConnectionInfo> {
  const get = async (url: string) => {
    const outcome = await fetchWithRetry(deps, url, { method: "GET", headers: { authorization: `Bearer ${c.accessToken}`, accept: "application/json" } }, RETRY);
    if (!outcome.ok || !outcome.response.ok) throw new UpstreamError("salesforce", "unavailable", "Salesforce did not describe the new connection", { retryable: true });
    return outcome.response.json();
  };
  const identity = Identity.safeParse(await get(c.identityUrl));
  if (!identity.success) throw new UpstreamError("salesforce", "bad_answer", "Salesforce answered the identity URL with an unexpected body", { retryable: false });
  const limits = Limits.safeParse(await get(`${c.instanceUrl}/services/data/v${API_VERSION}/limits`).catch(() => null));
  return {
    orgId: identity.data.organization_id,
    username: identity.data.username,
    apiMax: limits.success ? limits.data.DailyApiRequests.Max : null,
    apiRemaining: limits.success ? limits.data.DailyApiRequests.Remaining : null,
  };
}
