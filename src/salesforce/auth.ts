// Server-to-server OAuth to a tenant's Salesforce: client credentials, JWT bearer (an
// RS256 assertion signed with WebCrypto from a PKCS#8 key), or a refresh token.
import * as z from "zod";
import { fetchWithRetry } from "../lib/retry.ts";
import type { RetryDeps, RetryPolicy } from "../lib/retry.ts";
import type { Issued } from "../secrets/token-cache.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import type { SalesforceConfig } from "./config.ts";
import { importPrivateKey } from "./private-key.ts";

export type SalesforceSettings = SalesforceConfig;

/** What a login gives besides the token: where the org's API is. */
export interface SalesforceSession {
  instanceUrl: string;
}

/**
 * Salesforce does not say how long a token lives (the org's session timeout, 2 h by
 * default, 15 min at the least): it is reused this long, and renewed at once when refused.
 */
export const ASSUMED_TOKEN_LIFE_SEC = 30 * 60;

const TokenAnswer = z.object({ access_token: z.string().min(1), instance_url: z.url() });
const LOGIN_RETRY: RetryPolicy = { attempts: 2, baseDelayMs: 500, maxDelayMs: 2000, timeoutMs: 10_000 };

const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const b64urlText = (text: string) => b64url(new TextEncoder().encode(text));

/**
 * The JWT audience Salesforce takes: https://login.salesforce.com, https://test.salesforce.com
 * for sandboxes (and scratch orgs), or an Experience Cloud site URL (set as `audience`);
 * never the My Domain, though the token is asked for there.
 */
export function jwtAudience(settings: Pick<SalesforceSettings, "loginUrl" | "audience">): string {
  if (settings.audience) return settings.audience.replace(/\/+$/, "");
  const host = new URL(settings.loginUrl).hostname.toLowerCase();
  const sandbox =
    host === "test.salesforce.com" ||
    host.endsWith(".sandbox.my.salesforce.com") ||
    host.endsWith(".scratch.my.salesforce.com") ||
    // Sandbox My Domains before enhanced domains: mydomain--sandboxname.my.salesforce.com (or .csNN.my.…).
    (host.endsWith(".my.salesforce.com") && (host.split(".")[0] ?? "").includes("--"));
  return sandbox ? "https://test.salesforce.com" : "https://login.salesforce.com";
}

/** The JWT bearer assertion: iss = client id, sub = username, aud = the login host (see jwtAudience), exp within 3 minutes. */
export async function jwtAssertion(opts: { clientId: string; username: string; audience: string; privateKeyPem: string; now: number }): Promise<string> {
  const key = await importPrivateKey(opts.privateKeyPem);
  if (!key) throw new UpstreamError("salesforce", "bad_private_key", "the JWT private key is not a PKCS#8 RSA key in PEM", { retryable: false });
  const header = b64urlText(JSON.stringify({ alg: "RS256", typ: "JWT" }));
  const claims = b64urlText(
    JSON.stringify({ iss: opts.clientId, sub: opts.username, aud: opts.audience, exp: Math.floor(opts.now / 1000) + 170 }),
  );
  const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, new TextEncoder().encode(`${header}.${claims}`));
  return `${header}.${claims}.${b64url(new Uint8Array(signature))}`;
}

async function grantBody(settings: SalesforceSettings, now: number): Promise<URLSearchParams> {
  const auth = settings.auth;
  switch (auth.type) {
    case "client_credentials":
      return new URLSearchParams({ grant_type: "client_credentials", client_id: auth.clientId, client_secret: auth.clientSecret });
    case "jwt_bearer":
      return new URLSearchParams({
        grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
        assertion: await jwtAssertion({ clientId: auth.clientId, username: auth.username, audience: jwtAudience(settings), privateKeyPem: auth.privateKey, now }),
      });
    case "refresh_token":
      return new URLSearchParams({
        grant_type: "refresh_token",
        client_id: auth.clientId,
        refresh_token: auth.refreshToken,
        ...(auth.clientSecret ? { client_secret: auth.clientSecret } : {}),
      });
  }
}

export async function salesforceLogin(deps: RetryDeps, settings: SalesforceSettings, now: number): Promise<Issued<SalesforceSession>> {
  const outcome = await fetchWithRetry(
    deps,
    `${settings.loginUrl.replace(/\/+$/, "")}/services/oauth2/token`,
    {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: (await grantBody(settings, now)).toString(),
    },
    LOGIN_RETRY,
  );
  if (!outcome.ok) throw new UpstreamError("salesforce", "unreachable", `Salesforce login: ${outcome.reason}`, { retryable: true });
  const res = outcome.response;
  if (res.status >= 500 || res.status === 429) {
    throw new UpstreamError("salesforce", "unavailable", `Salesforce login answered ${res.status}`, { retryable: true, status: res.status });
  }
  const parsed = TokenAnswer.safeParse(await res.json().catch(() => null));
  if (!res.ok || !parsed.success) {
    throw new UpstreamError("salesforce", "auth_failed", `Salesforce refused the ${settings.auth.type} login (${res.status})`, {
      retryable: false,
      status: res.status,
    });
  }
  return {
    token: parsed.data.access_token,
    value: { instanceUrl: parsed.data.instance_url.replace(/\/+$/, "") },
    expiresInSec: ASSUMED_TOKEN_LIFE_SEC,
  };
}
