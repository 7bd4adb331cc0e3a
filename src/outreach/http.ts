// What every outbound provider call shares (callbacks, messages, surveys): sending
// with the deadline's signal, the answers all platforms mean alike, Basic auth, OAuth
// client credentials and a Bearer POST that replaces a refused token once.
import * as z from "zod";

/** A provider call that did not succeed, in words every capability shares. */
export type Failure =
  /** Overload or outage, nothing done: worth another attempt later. */
  | { kind: "transient"; code: string }
  /** Sent, but no answer in time: it may or may not have been done. */
  | { kind: "ambiguous"; code: string }
  /** The platform refuses for a reason other than the number (credentials, its settings). */
  | { kind: "refused"; code: string };

export type Sent = { ok: true; res: Response } | { ok: false; result: Failure };

export interface HttpDeps {
  fetch: typeof fetch;
  signal: AbortSignal;
  /** An OAuth token of the platform, from the shared cache; `rejected` is one just refused. */
  token: (login: () => Promise<{ token: string; expiresInSec: number }>, rejected?: string) => Promise<string>;
}

/** The platform answered with a redirect: not followed, the endpoint URL needs fixing. */
export const REDIRECTED: Failure = { kind: "refused", code: "provider_redirect" };

export async function send(fetcher: typeof fetch, url: string, init: RequestInit, signal: AbortSignal): Promise<Sent> {
  try {
    // A redirect is never followed: it could lead to a private host the URL rule refused.
    const res = await fetcher(url, { ...init, signal, redirect: "manual" });
    if (res.status >= 300 && res.status < 400) return { ok: false, result: REDIRECTED };
    return { ok: true, res };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError");
    return { ok: false, result: timedOut ? { kind: "ambiguous", code: "timeout" } : { kind: "transient", code: "network" } };
  }
}

/** Credentials the platform refused: an admin's problem, never worth another attempt. */
export const AUTH_FAILED: Failure = { kind: "refused", code: "provider_auth_failed" };
/** An account setting of the platform forbids the request: an admin's problem too. */
export const MISCONFIGURED: Failure = { kind: "refused", code: "provider_misconfigured" };

/** The answers every platform gives the same meaning: overload and outages, and refused credentials. */
export function common(res: Response): Failure | undefined {
  if (res.status === 429 || res.status >= 500) return { kind: "transient", code: `http_${res.status}` };
  if (res.status === 401 || res.status === 403) return AUTH_FAILED;
  return undefined;
}

export async function jsonOf(res: Response): Promise<unknown> {
  return res.json().catch(() => null);
}

export const basic = (user: string, password: string) => `Basic ${btoa(`${user}:${password}`)}`;

/** A login that did not give a token, and why (thrown through the shared token cache). */
export class LoginFailed extends Error {
  readonly failure: Failure;

  constructor(failure: Failure) {
    super(`login failed: ${failure.code}`);
    this.failure = failure;
    this.name = "LoginFailed";
  }
}

const TokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.number().positive().optional() });
const OAuthError = z.object({ error: z.string() });
/** RFC 6749 §5.2: the client's credentials or rights, not a passing fault. */
const CREDENTIAL_ERRORS = new Set(["invalid_client", "unauthorized_client", "invalid_grant", "invalid_scope"]);

/** OAuth client credentials (Genesys, Talkdesk): Basic auth, form body; throws LoginFailed. */
export async function clientCredentials(
  deps: Pick<HttpDeps, "fetch" | "signal">,
  tokenUrl: string,
  clientId: string,
  clientSecret: string,
  extra: Record<string, string> = {},
): Promise<{ token: string; expiresInSec: number }> {
  const sent = await send(
    deps.fetch,
    tokenUrl,
    {
      method: "POST",
      headers: { authorization: basic(clientId, clientSecret), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", ...extra }).toString(),
    },
    deps.signal,
  );
  // Nothing reached the callback API yet: a login that timed out is safe to try again.
  if (!sent.ok) throw new LoginFailed({ kind: "transient", code: `login_${sent.result.code}` });
  const body = await jsonOf(sent.res);
  if (sent.res.ok) {
    const token = TokenAnswer.safeParse(body);
    if (token.success) return { token: token.data.access_token, expiresInSec: token.data.expires_in ?? 3600 };
    throw new LoginFailed({ kind: "transient", code: "login_unreadable" });
  }
  const known = common(sent.res);
  if (known) throw new LoginFailed(known);
  const error = OAuthError.safeParse(body);
  throw new LoginFailed(error.success && CREDENTIAL_ERRORS.has(error.data.error) ? AUTH_FAILED : MISCONFIGURED);
}

/**
 * POST a JSON body with the platform's OAuth token (Genesys, Talkdesk); a refused token
 * is replaced once, and the request sent again.
 */
export async function postWithToken(
  deps: HttpDeps,
  url: string,
  body: string,
  login: () => Promise<{ token: string; expiresInSec: number }>,
): Promise<Sent> {
  const post = (token: string) =>
    send(deps.fetch, url, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body }, deps.signal);
  try {
    const token = await deps.token(login);
    const sent = await post(token);
    if (sent.ok && sent.res.status === 401) return await post(await deps.token(login, token));
    return sent;
  } catch (err) {
    if (err instanceof LoginFailed) return { ok: false, result: err.failure };
    throw err;
  }
}
