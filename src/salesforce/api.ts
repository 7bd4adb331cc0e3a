// One tenant's Salesforce REST API: the session from the shared token cache, one
// re-authentication on INVALID_SESSION_ID, retries with backoff on transient failures,
// and the API usage read from Sforce-Limit-Info.
import * as z from "zod";
import { backoffDelay } from "../lib/retry.ts";
import type { RetryPolicy } from "../lib/retry.ts";
import { getToken } from "../secrets/token-cache.ts";
import type { TokenCacheDeps } from "../secrets/token-cache.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import type { SalesforceSession } from "./auth.ts";
import { API_VERSION } from "./model.ts";
import { restRequest, SalesforceRestError } from "./rest.ts";
import type { ApiUsage, RestRequest, RestSession } from "./rest.ts";

export type { ApiUsage } from "./rest.ts";

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
  #session: RestSession | undefined;
  /** API calls made through this object (each composite is one). */
  calls = 0;
  usage: ApiUsage | undefined;

  constructor(tenantId: string, tokens: TokenCacheDeps<SalesforceSession>, policy: RetryPolicy = SALESFORCE_RETRY) {
    this.#tenantId = tenantId;
    this.#tokens = tokens;
    this.#policy = policy;
  }

  /** The session: the cached one, or a fresh one when `refused` is the token Salesforce just refused. */
  async #sessionFor(refused?: string): Promise<RestSession> {
    if (this.#session && refused === undefined) return this.#session;
    const { token, value } = await getToken("salesforce", this.#tokens, this.#tenantId, refused);
    this.#session = { instanceUrl: value.instanceUrl, token };
    return this.#session;
  }

  /** One request, the org's usage kept from its answer (an error answer's too). */
  async #call(session: RestSession, req: RestRequest): Promise<unknown> {
    try {
      const answer = await restRequest(session, API_VERSION, req);
      if (answer.usage) this.usage = answer.usage;
      return answer.body;
    } catch (err) {
      if (err instanceof SalesforceRestError && err.usage) this.usage = err.usage;
      throw err;
    }
  }

  /** On INVALID_SESSION_ID, a new session (getToken told which token was refused) and the request once more. */
  async #request(req: RestRequest): Promise<unknown> {
    const session = await this.#sessionFor();
    try {
      return await this.#call(session, req);
    } catch (err) {
      if (!(err instanceof SalesforceRestError) || err.errorCode !== "INVALID_SESSION_ID") throw err;
      return this.#call(await this.#sessionFor(session.token), req);
    }
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
    const answer = await this.#send(() => this.#request({ method: "POST", url: "/composite", body, headers: httpHeaders }));
    const parsed = CompositeAnswer.safeParse(answer);
    if (!parsed.success) throw new UpstreamError("salesforce", "bad_answer", "Salesforce answered the composite request with an unexpected body", { retryable: true });
    return parsed.data.compositeResponse;
  }

  /** GET /limits: the org's daily API allowance, to know whether a used-up allowance is back. */
  async dailyApiRequests(): Promise<{ max: number; remaining: number }> {
    const answer = await this.#send(() => this.#request({ method: "GET", url: `/services/data/v${API_VERSION}/limits` }));
    const parsed = LimitsAnswer.safeParse(answer);
    if (!parsed.success) throw new UpstreamError("salesforce", "bad_answer", "Salesforce answered /limits with an unexpected body", { retryable: true });
    return { max: parsed.data.DailyApiRequests.Max, remaining: parsed.data.DailyApiRequests.Remaining };
  }

  async #send(call: () => Promise<unknown>): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await withTimeout(call(), this.#policy.timeoutMs);
        this.calls++;
        return result;
      } catch (err) {
        const code = errorCodeOf(err);
        if (code !== "NETWORK" && code !== "TIMEOUT") this.calls++;
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
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error("timed out"), { name: "TimeoutError" })), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
