// The iAdvize password grant: POST /oauth2/token, form-encoded, the only grant offered.
import * as z from "zod";
import { fetchWithRetry } from "../lib/retry.ts";
import type { RetryDeps, RetryPolicy } from "../lib/retry.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import type { Issued } from "../secrets/token-cache.ts";

export interface Credentials {
  username: string;
  password: string;
}

const TokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string().optional(),
});

// Logins are rationed (10 a minute per user): one retry at most, on network errors and 5xx.
// A 429 is never tried again here: it ends the login, and the sync holds the tenant with
// the shared outage backoff (sync/holds.ts) instead of spending the user's minute.
const LOGIN_RETRY: RetryPolicy = { attempts: 2, baseDelayMs: 500, maxDelayMs: 2000, timeoutMs: 10_000, retryStatus: (status) => status >= 500 };

export async function login(deps: RetryDeps, baseUrl: string, credentials: Credentials): Promise<Issued<null>> {
  const body = new URLSearchParams({
    username: credentials.username,
    password: credentials.password,
    grant_type: "password",
  }).toString();
  const outcome = await fetchWithRetry(
    deps,
    `${baseUrl}/oauth2/token`,
    { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body },
    LOGIN_RETRY,
  );
  if (!outcome.ok) throw new UpstreamError("iadvize", "unreachable", `iAdvize login: ${outcome.reason}`, { retryable: true });
  const res = outcome.response;
  if (res.status === 429) {
    throw new UpstreamError("iadvize", "login_rate_limited", "iAdvize refused the login: too many logins", { retryable: true, status: 429 });
  }
  if (res.status >= 500) {
    throw new UpstreamError("iadvize", "unavailable", `iAdvize login answered ${res.status}`, { retryable: true, status: res.status });
  }
  if (res.status === 400 || res.status === 401 || res.status === 403) {
    throw new UpstreamError("iadvize", "auth_failed", "iAdvize refused the tenant's API user credentials", { retryable: false, status: res.status });
  }
  const parsed = TokenAnswer.safeParse(await res.json().catch(() => null));
  if (!res.ok || !parsed.success) {
    throw new UpstreamError("iadvize", "bad_answer", `iAdvize login answered ${res.status} with an unexpected body`, { retryable: true, status: res.status });
  }
  return { value: null, token: parsed.data.access_token, expiresInSec: parsed.data.expires_in };
}
