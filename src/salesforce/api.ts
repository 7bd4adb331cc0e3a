// One tenant's Salesforce REST API through jsforce: the session from the shared token
// cache, one re-authentication on INVALID_SESSION_ID (jsforce's refreshFn), retries
// with backoff on transient failures, and the API usage read from Sforce-Limit-Info.
import { Connection } from "jsforce/core";
import * as z from "zod";
import { backoffDelay } from "../lib/retry.ts";
import type { RetryPolicy } from "../lib/retry.ts";
import { getToken } from "../secrets/token-cache.ts";
import type { TokenCacheDeps } from "../secrets/token-cache.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import type { SalesforceSession } from "./auth.ts";
import { API_VERSION } from "./model.ts";

export interface Subrequest {
  method: "GET" | "POST" | "PATCH";
  url: string;
  referenceId: string;
  body?: unknown;
}

/** What one /composite request may hold. */
export const COMPOSITE_LIMITS = { subrequests: 25, queriesOrCollections: 5 } as const;

/** Query, query-more and sObject collection subrequests: at most 5 of them per composite. */
export function isQueryOrCollection(sub: Pick<Subrequest, "url">): boolean {
  return /\/services\/data\/v[\d.]+\/(query|queryAll)(\/|\?|$)|\/composite\/sobjects(\/|$)/.test(sub.url);
}

const CompositeAnswer = z.object({
  compositeResponse: z.array(z.object({ body: z.unknown(), httpStatusCode: z.number(), referenceId: z.string() })),
});
const LimitsAnswer = z.looseObject({ DailyApiRequests: z.looseObject({ Max: z.number(), Remaining: z.number() }) });
export type SubResponse = z.infer<typeof CompositeAnswer>["compositeResponse"][number];

export interface WriteHeaders {
  /** Sforce-Auto-Assign: TRUE, FALSE, or an AssignmentRule id. */
  autoAssign: boolean | string;
}

export interface ApiUsage {
  used: number;
  limit: number;
}

/** Errors worth another try after a pause. */
const TRANSIENT = new Set(["SERVER_UNAVAILABLE", "UNABLE_TO_LOCK_ROW", "REQUEST_RUNNING_TOO_LONG", "QUERY_TIMEOUT"]);

export const SALESFORCE_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 500, maxDelayMs: 8000, timeoutMs: 60_000 };

function errorCodeOf(err: unknown): string {
  const code = (err as { errorCode?: unknown } | null)?.errorCode;
  if (typeof code === "string") return code;
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) return "TIMEOUT";
  return err instanceof TypeError ? "NETWORK" : "UNKNOWN";
}

export function isTransientCode(code: string): boolean {
  return TRANSIENT.has(code) || /^ERROR_HTTP_5\d\d$/.test(code) || code === "TIMEOUT" || code === "NETWORK";
}

export class SalesforceApi {
  readonly #tenantId: string;
  readonly #tokens: TokenCacheDeps<SalesforceSession>;
  readonly #policy: RetryPolicy;
  #connection: Connection | undefined;
  /** API calls made through this object (each composite is one). */
  calls = 0;
  usage: ApiUsage | undefined;

  constructor(tenantId: string, tokens: TokenCacheDeps<SalesforceSession>, policy: RetryPolicy = SALESFORCE_RETRY) {
    this.#tenantId = tenantId;
    this.#tokens = tokens;
    this.#policy = policy;
  }

  async #conn(): Promise<Connection> {
    if (this.#connection) return this.#connection;
    const { token, value } = await getToken("salesforce", this.#tokens, this.#tenantId);
    this.#connection = new Connection({
      instanceUrl: value.instanceUrl,
      accessToken: token,
      version: API_VERSION,
      // Called by jsforce on INVALID_SESSION_ID; it then retries the request once.
      refreshFn: (conn, callback) => {
        getToken("salesforce", this.#tokens, this.#tenantId, conn.accessToken ?? undefined).then(
          (fresh) => callback(null, fresh.token),
          (err: unknown) => callback(err instanceof Error ? err : new Error("refresh failed")),
        );
      },
    });
    return this.#connection;
  }

  /**
   * POST /composite: up to 25 subrequests (5 queries or collections), one API call. The
   * write headers go on every subrequest (`httpHeaders`) as well as on the request: the
   * documentation routes headers per subrequest and does not say the request's reach them.
   */
  async composite(subrequests: Subrequest[], headers: WriteHeaders): Promise<SubResponse[]> {
    if (subrequests.length > COMPOSITE_LIMITS.subrequests || subrequests.filter(isQueryOrCollection).length > COMPOSITE_LIMITS.queriesOrCollections) {
      throw new Error(`a composite holds at most ${COMPOSITE_LIMITS.subrequests} subrequests, ${COMPOSITE_LIMITS.queriesOrCollections} of them queries or collections`);
    }
    const writeHeaders: Record<string, string> = {
      "Sforce-Auto-Assign": typeof headers.autoAssign === "string" ? headers.autoAssign : headers.autoAssign ? "TRUE" : "FALSE",
      // Duplicate rules set to "Alert" let the save through; "Block" ones answer DUPLICATES_DETECTED.
      "Sforce-Duplicate-Rule-Header": "allowSave=true",
    };
    const body = JSON.stringify({ allOrNone: false, compositeRequest: subrequests.map((s) => ({ ...s, httpHeaders: writeHeaders })) });
    const httpHeaders = { "content-type": "application/json", ...writeHeaders };
    const answer = await this.#send(() => this.#conn().then((c) => c.request({ method: "POST", url: "/composite", body, headers: httpHeaders })));
    const parsed = CompositeAnswer.safeParse(answer);
    if (!parsed.success) throw new UpstreamError("salesforce", "bad_answer", "Salesforce answered the composite request with an unexpected body", { retryable: true });
    return parsed.data.compositeResponse;
  }

  /** GET /limits: the org's daily API allowance, to know whether a used-up allowance is back. */
  async dailyApiRequests(): Promise<{ max: number; remaining: number }> {
    const answer = await this.#send(() => this.#conn().then((c) => c.request({ method: "GET", url: `/services/data/v${API_VERSION}/limits` })));
    const parsed = LimitsAnswer.safeParse(answer);
    if (!parsed.success) throw new UpstreamError("salesforce", "bad_answer", "Salesforce answered /limits with an unexpected body", { retryable: true });
    return { max: parsed.data.DailyApiRequests.Max, remaining: parsed.data.DailyApiRequests.Remaining };
  }

  async #send(call: () => Promise<unknown>): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await withTimeout(call(), this.#policy.timeoutMs);
        this.calls++;
        this.#readUsage();
        return result;
      } catch (err) {
        const code = errorCodeOf(err);
        if (code !== "NETWORK" && code !== "TIMEOUT") this.calls++;
        this.#readUsage();
        if (err instanceof UpstreamError) throw err;
        if (code === "REQUEST_LIMIT_EXCEEDED") {
          throw new UpstreamError("salesforce", "request_limit_exceeded", "the org's daily API allowance is used up", { retryable: true, status: 403 });
        }
        if (isTransientCode(code) && attempt < this.#policy.attempts) {
          await this.#tokens.sleep(backoffDelay(attempt, this.#policy));
          continue;
        }
        if (isTransientCode(code)) throw new UpstreamError("salesforce", "unavailable", `Salesforce: ${code} after ${attempt} attempts`, { retryable: true });
        if (code === "INVALID_SESSION_ID") throw new UpstreamError("salesforce", "auth_failed", "Salesforce refused a fresh session", { retryable: true, status: 401 });
        throw new UpstreamError("salesforce", "rejected", `Salesforce refused the request: ${code}`, { retryable: false });
      }
    }
  }

  #readUsage(): void {
    const info = (this.#connection as { limitInfo?: { apiUsage?: ApiUsage } } | undefined)?.limitInfo?.apiUsage;
    if (info) this.usage = { used: info.used, limit: info.limit };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error("timed out"), { name: "TimeoutError" })), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
