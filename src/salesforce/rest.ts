// One request to a tenant's Salesforce REST API over fetch: the path under the org's
// instance (and the API version), the bearer token, the JSON answer, an error answer
// turned into its errorCode, and the org's API usage from Sforce-Limit-Info.

export interface RestSession {
  instanceUrl: string;
  token: string;
}

export interface RestRequest {
  method: "GET" | "POST" | "PATCH";
  /** An absolute URL, a path from the instance root (/services/…), or one under the API version (/composite). */
  url: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface ApiUsage {
  used: number;
  limit: number;
}

export interface RestAnswer {
  body: unknown;
  usage: ApiUsage | undefined;
}

/**
 * Salesforce's answer was an error: `errorCode` is its own (INVALID_SESSION_ID,
 * REQUEST_LIMIT_EXCEEDED…) or ERROR_HTTP_<status> when the body gave none. The message
 * never carries the answer's text, which may quote record data.
 */
export class SalesforceRestError extends Error {
  override name = "SalesforceRestError";
  readonly errorCode: string;
  readonly status: number;
  readonly usage: ApiUsage | undefined;

  constructor(errorCode: string, status: number, usage: ApiUsage | undefined) {
    super(`Salesforce answered ${status} ${errorCode}`);
    this.errorCode = errorCode;
    this.status = status;
    this.usage = usage;
  }
}

export function restUrl(instanceUrl: string, version: string, url: string): string {
  if (!url.startsWith("/")) return url;
  return url.startsWith("/services/") ? `${instanceUrl}${url}` : `${instanceUrl}/services/data/v${version}${url}`;
}

function usageOf(headers: Headers): ApiUsage | undefined {
  const m = /api-usage=(\d+)\/(\d+)/.exec(headers.get("sforce-limit-info") ?? "");
  return m ? { used: Number(m[1]), limit: Number(m[2]) } : undefined;
}

function parse(text: string, contentType: string): unknown {
  if (!/^application\/json(;|$)/.test(contentType)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The error code of an error answer: one error object's, MULTIPLE_API_ERRORS for several, else ERROR_HTTP_<status>. */
function errorCodeOf(body: unknown, status: number): string {
  if (Array.isArray(body) && body.length > 1) return "MULTIPLE_API_ERRORS";
  const error: unknown = Array.isArray(body) ? body[0] : body;
  if (typeof error === "object" && error !== null && "message" in error && typeof error.message === "string") {
    const code = "errorCode" in error ? error.errorCode : undefined;
    if (typeof code === "string" && code.length > 0) return code;
  }
  return `ERROR_HTTP_${status}`;
}

/** Sends one request; resolves with the parsed answer, rejects with a SalesforceRestError for an error answer. */
export async function restRequest(session: RestSession, version: string, req: RestRequest): Promise<RestAnswer> {
  const res = await fetch(restUrl(session.instanceUrl, version, req.url), {
    method: req.method,
    headers: { ...req.headers, authorization: `Bearer ${session.token}` },
    ...(req.body === undefined ? {} : { body: req.body }),
  });
  const usage = usageOf(res.headers);
  const body = parse(await res.text(), res.headers.get("content-type") ?? "");
  if (res.status >= 400) throw new SalesforceRestError(errorCodeOf(body, res.status), res.status, usage);
  // 300: an external id matched several records.
  if (res.status === 300) throw new SalesforceRestError("MULTIPLE_CHOICES", res.status, usage);
  return { body: res.status === 204 ? undefined : body, usage };
}
