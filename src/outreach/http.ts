// What every outbound provider call shares (callbacks, messages, surveys): sending
// with the deadline's signal, the answers all platforms mean alike, Basic auth, OAuth
// client credentials and a Bearer POST that replaces a refused token once.

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

export async function send(fetcher: typeof fetch, url: string, init: RequestInit, signal: AbortSignal): Promise<Sent> {
  try {
    return { ok: true, res: await fetcher(url, { ...init, signal }) };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError");
    return { ok: false, result: timedOut ? { kind: "ambiguous", code: "timeout" } : { kind: "transient", code: "network" } };
  }
}

/** The answers every platform gives the same meaning: overload and outages, and refused credentials. */
export function common(res: Response): Failure | undefined {
  if (res.status === 429 || res.status >= 500) return { kind: "transient", code: `http_${res.status}` };
  if (res.status === 401 || res.status === 403) return { kind: "refused", code: "auth_failed" };
  return undefined;
}

export async function jsonOf(res: Response): Promise<unknown> {
  return res.json().catch(() => null);
}

export const basic = (user: string, password: string) => `Basic ${btoa(`${user}:${password}`)}`;

/** OAuth client credentials (Genesys, Talkdesk): Basic auth, form body. */
export async function clientCredentials(
  fetcher: typeof fetch,
  tokenUrl: string,
  clientId: string,
  clientSecret: string,
  extra: Record<string, string> = {},
): Promise<{ token: string; expiresInSec: number }> {
  const res = await fetcher(tokenUrl, {
    method: "POST",
    headers: { authorization: basic(clientId, clientSecret), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", ...extra }).toString(),
    signal: AbortSignal.timeout(5000),
  });
  const body = (await jsonOf(res)) as { access_token?: unknown; expires_in?: unknown } | null;
  if (!res.ok || typeof body?.access_token !== "string") throw new Error(`token endpoint answered ${res.status}`);
  return { token: body.access_token, expiresInSec: typeof body.expires_in === "number" ? body.expires_in : 3600 };
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
  const token = await deps.token(login);
  const sent = await post(token);
  if (sent.ok && sent.res.status === 401) return post(await deps.token(login, token));
  return sent;
}
