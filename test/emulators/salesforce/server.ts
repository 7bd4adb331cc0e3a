// A Salesforce emulator: a real HTTP server following the REST contract the connector
// uses (see CONTRACTS.md): the three server-to-server OAuth grants (JWT assertions
// verified against the org's public key, for the audience of the org's environment),
// describe, SOQL queries paged with nextRecordsUrl, single and collection upserts by
// external id, collection updates, /composite with references and each subrequest's
// own httpHeaders (one API call), the API-call counter and Sforce-Limit-Info on every
// answer, /limits, and switches for 503 (a number, or an outage until switched off),
// UNABLE_TO_LOCK_ROW, REQUEST_LIMIT_EXCEEDED, token expiry and fields dropped from the org. Several orgs, one per tenant, are told apart
// by their OAuth client id.
import { randomUUID, webcrypto } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson, serve } from "../http.ts";
import { Org } from "./org.ts";
import type { OrgOptions, Rec, WriteContext, WriteResult } from "./org.ts";
import { describe } from "./schema.ts";
import { SoqlError } from "./soql.ts";
import { webServerFlow } from "./web-server-flow.ts";
import type { ConnectedApp, OrgUser } from "./web-server-flow.ts";

export const SUPPORTED_VERSIONS = ["58.0", "59.0", "60.0", "61.0", "62.0"];

interface Answer {
  status: number;
  body: unknown;
}

const errorBody = (errorCode: string, message: string, fields: string[] = []) => [{ message, errorCode, fields }];

export interface SalesforceEmulator {
  url: string;
  orgs: Map<string, Org>;
  addOrg(options: OrgOptions): Org;
  /** The operator's connected app, for the web-server flow of every org. */
  addConnectedApp(app: ConnectedApp): void;
  /** A user who can log in on the authorize page and consent for their org. */
  addUser(user: OrgUser): void;
  close(): Promise<void>;
}

function b64urlDecode(s: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
}
const utf8 = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** The audiences Salesforce takes in a JWT assertion: the login host of the org's environment, or its Experience Cloud site; never the My Domain. */
function audiencesOf(org: Org): string[] {
  const login = org.options.environment === "sandbox" ? "https://test.salesforce.com" : "https://login.salesforce.com";
  return [login, ...(org.options.experienceCloudUrl ? [org.options.experienceCloudUrl] : [])];
}

async function verifyJwt(assertion: string, org: Org): Promise<string | undefined> {
  const [h, p, s] = assertion.split(".");
  if (!h || !p || !s || !org.options.publicKeyPem) return "malformed assertion";
  const header = JSON.parse(utf8(b64urlDecode(h))) as { alg?: string };
  if (header.alg !== "RS256") return "algorithm must be RS256";
  const der = b64urlDecode(org.options.publicKeyPem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""));
  const key = await webcrypto.subtle.importKey("spki", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
  const ok = await webcrypto.subtle.verify("RSASSA-PKCS1-v1_5", key, b64urlDecode(s), new Uint8Array(Buffer.from(`${h}.${p}`)));
  if (!ok) return "invalid signature";
  const claims = JSON.parse(utf8(b64urlDecode(p))) as { iss?: string; sub?: string; aud?: string; exp?: number };
  const now = Math.floor(Date.now() / 1000);
  if (claims.iss !== org.options.clientId) return "invalid issuer";
  if (claims.sub !== org.options.username) return "invalid subject";
  if (!claims.aud || !audiencesOf(org).includes(claims.aud)) return "audience is invalid";
  if (!claims.exp || claims.exp < now || claims.exp > now + 180) return "expired or too long-lived assertion";
  return undefined;
}

export async function startSalesforceEmulator(opts: { port?: number } = {}): Promise<SalesforceEmulator> {
  const orgs = new Map<string, Org>();
  const tokens = new Map<string, string>(); // token → org id
  let baseUrl = "";

  const addOrg = (options: OrgOptions) => {
    const org = new Org(options);
    orgs.set(options.id, org);
    return org;
  };
  const flow = webServerFlow({
    baseUrl: () => baseUrl,
    issueToken: (orgId) => {
      const token = `00D${orgId}!${randomUUID().replaceAll("-", "")}`;
      tokens.set(token, orgId);
      return token;
    },
  });
  const orgByClient = (clientId: string | null) => [...orgs.values()].find((o) => o.options.clientId === clientId);

  async function oauth(req: IncomingMessage, res: ServerResponse) {
    const form = new URLSearchParams(await readBody(req));
    const grant = form.get("grant_type");
    let org: Org | undefined;
    let failure: string | undefined;
    if (grant === "client_credentials") {
      org = orgByClient(form.get("client_id"));
      if (!org || !org.options.clientSecret || org.options.clientSecret !== form.get("client_secret")) failure = "invalid client credentials";
    } else if (grant === "urn:ietf:params:oauth:grant-type:jwt-bearer") {
      const assertion = form.get("assertion") ?? "";
      const claims = (() => {
        try {
          return JSON.parse(utf8(b64urlDecode(assertion.split(".")[1] ?? ""))) as { iss?: string };
        } catch {
          return {};
        }
      })();
      org = orgByClient(claims.iss ?? null);
      failure = org ? await verifyJwt(assertion, org) : "unknown client";
    } else if (grant === "authorization_code") {
      return flow.exchange(form, res);
    } else if (grant === "refresh_token") {
      if (flow.refresh(form, res)) return;
      org = orgByClient(form.get("client_id"));
      if (!org || !org.options.refreshToken || org.options.refreshToken !== form.get("refresh_token")) failure = "expired access/refresh token";
    } else {
      return sendJson(res, 400, { error: "unsupported_grant_type", error_description: "grant type not supported" });
    }
    if (!org || failure) return sendJson(res, 400, { error: "invalid_grant", error_description: failure ?? "authentication failure" });
    const token = `00D${org.options.id}!${randomUUID().replaceAll("-", "")}`;
    tokens.set(token, org.options.id);
    return sendJson(res, 200, {
      access_token: token,
      instance_url: baseUrl,
      id: `${baseUrl}/id/00D${org.options.id}/${"005000000000001AAA"}`,
      token_type: "Bearer",
      issued_at: String(Date.now()),
      signature: "emulated",
    });
  }

  /** The write headers of a request or of one composite subrequest; absent, assignment rules run (TRUE). */
  function context(headers: Record<string, unknown>): WriteContext {
    const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    const assign = lower.get("sforce-auto-assign") ?? "TRUE";
    const autoAssign = /^false$/i.test(assign) ? false : /^true$/i.test(assign) ? true : assign;
    const allowSave = /allowSave\s*=\s*true/i.test(lower.get("sforce-duplicate-rule-header") ?? "");
    return { autoAssign, allowSave };
  }

  /** Open query cursors: locator → the rows still to hand out. */
  const cursors = new Map<string, { orgId: string; rows: unknown[] }>();

  /** One page of a query's rows, with a locator for the rest when there are more. */
  function page(org: Org, rows: unknown[], offset: number, total: number, locator?: string) {
    const size = org.options.queryBatchSize ?? 2000;
    const records = rows.slice(offset, offset + size);
    if (offset + size >= rows.length) {
      if (locator) cursors.delete(locator);
      return { totalSize: total, done: true, records };
    }
    const id = locator ?? `01g${randomUUID().replaceAll("-", "").slice(0, 15)}`;
    cursors.set(id, { orgId: org.options.id, rows });
    return { totalSize: total, done: false, nextRecordsUrl: `/services/data/v62.0/query/${id}-${offset + size}`, records };
  }

  const withAttributes = (object: string, r: Rec) => ({ attributes: { type: object, url: `/services/data/v62.0/sobjects/${object}/${r.Id}` }, ...r });

  /** One REST operation (also a composite subrequest); `kind` tells the composite limits what it was. */
  function operation(org: Org, method: string, path: string, search: URLSearchParams, body: unknown, ctx: WriteContext): Answer & { kind: "query" | "collection" | "other" } {
    const notFound = { status: 404, body: errorBody("NOT_FOUND", "The requested resource does not exist"), kind: "other" as const };
    let m: RegExpExecArray | null;
    if (method === "GET" && path === "/query") {
      try {
        const soql = search.get("q") ?? "";
        const object = /\bFROM\s+([A-Za-z0-9_]+)/i.exec(soql)?.[1] ?? "";
        const records = org.query(soql).map((r) => withAttributes(object, r));
        return { status: 200, body: page(org, records, 0, records.length), kind: "query" };
      } catch (e) {
        if (e instanceof SoqlError) return { status: 400, body: errorBody(e.code, e.message), kind: "query" };
        throw e;
      }
    }
    if (method === "GET" && (path === "/limits" || path === "/limits/")) {
      return { status: 200, body: { DailyApiRequests: { Max: org.apiLimit, Remaining: Math.max(0, org.apiLimit - org.apiUsed) } }, kind: "other" };
    }
    if (method === "GET" && (m = /^\/query\/(01g[A-Za-z0-9]+)-(\d+)$/.exec(path))) {
      const cursor = cursors.get(m[1] ?? "");
      if (!cursor || cursor.orgId !== org.options.id) return { status: 400, body: errorBody("INVALID_QUERY_LOCATOR", "invalid query locator"), kind: "query" };
      return { status: 200, body: page(org, cursor.rows, Number(m[2]), cursor.rows.length, m[1]), kind: "query" };
    }
    if (method === "GET" && (m = /^\/sobjects\/([A-Za-z0-9_]+)\/describe$/.exec(path))) {
      const def = org.objectDef(m[1] ?? "");
      return def ? { status: 200, body: describe(def), kind: "other" } : notFound;
    }
    const records = (body as { records?: Record<string, unknown>[] } | null)?.records;
    const allOrNone = (body as { allOrNone?: boolean } | null)?.allOrNone === true;
    const collection = (run: () => WriteResult[]) => {
      if (!Array.isArray(records)) return { status: 400, body: errorBody("JSON_PARSER_ERROR", "records is required"), kind: "collection" as const };
      if (records.length > 200) return { status: 400, body: errorBody("EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call"), kind: "collection" as const };
      const before = allOrNone ? org.snapshot() : undefined;
      const results = run();
      if (before && results.some((r) => !r.success)) {
        org.restore(before);
        return {
          status: 200,
          body: results.map((r) => (r.success ? { id: r.id, success: false, errors: [{ statusCode: "ALL_OR_NONE_OPERATION_ROLLED_BACK", message: "Record rolled back because not all records were valid and the request was using AllOrNone header", fields: [] }] } : r)),
          kind: "collection" as const,
        };
      }
      return { status: 200, body: results, kind: "collection" as const };
    };
    if (method === "PATCH" && (m = /^\/composite\/sobjects\/([A-Za-z0-9_]+)\/([A-Za-z0-9_]+)$/.exec(path))) {
      const [object, extField] = [m[1] ?? "", m[2] ?? ""];
      if (!org.objectDef(object)) return { status: 400, body: errorBody("INVALID_TYPE", `sObject type '${object}' is not supported.`), kind: "collection" };
      if (!org.objectDef(object)?.fields.has(extField)) return { status: 404, body: errorBody("NOT_FOUND", `Provided external ID field does not exist or is not accessible: ${extField}`), kind: "collection" };
      return collection(() =>
        (records ?? []).map((r) => {
          const type = (r.attributes as { type?: string } | undefined)?.type;
          if (type !== object) return { id: null, success: false, errors: [{ statusCode: "INVALID_TYPE", message: "attributes.type must match the URL", fields: [] }] };
          const value = r[extField];
          if (typeof value !== "string" || value === "") return { id: null, success: false, errors: [{ statusCode: "MISSING_ARGUMENT", message: `${extField} not specified`, fields: [extField] }] };
          const out = org.upsert(object, extField, value, r, ctx);
          return "multiple" in out ? { id: null, success: false, errors: [{ statusCode: "DUPLICATE_EXTERNAL_ID", message: `${extField}: more than one record found for external id field`, fields: [extField] }] } : out;
        }),
      );
    }
    if (path === "/composite/sobjects" && (method === "PATCH" || method === "POST")) {
      return collection(() =>
        (records ?? []).map((r) => {
          const type = String((r.attributes as { type?: string } | undefined)?.type ?? "");
          if (method === "POST") return org.create(type, r, ctx);
          return typeof r.Id === "string" ? org.update(type, r.Id, r, ctx) : { id: null, success: false, errors: [{ statusCode: "MISSING_ARGUMENT", message: "Id not specified in an update call", fields: ["Id"] }] };
        }),
      );
    }
    if (method === "PATCH" && (m = /^\/sobjects\/([A-Za-z0-9_]+)\/([A-Za-z0-9_]+)\/([^/]+)$/.exec(path))) {
      const out = org.upsert(m[1] ?? "", m[2] ?? "", decodeURIComponent(m[3] ?? ""), (body ?? {}) as Record<string, unknown>, ctx);
      if ("multiple" in out) return { status: 300, body: out.multiple.map((id) => `/services/data/v62.0/sobjects/${m?.[1]}/${id}`), kind: "other" };
      if (!out.success) return { status: 400, body: out.errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields })), kind: "other" };
      return out.created ? { status: 201, body: { id: out.id, success: true, errors: [], created: true }, kind: "other" } : { status: 200, body: { id: out.id, success: true, errors: [], created: false }, kind: "other" };
    }
    if (method === "PATCH" && (m = /^\/sobjects\/([A-Za-z0-9_]+)\/([A-Za-z0-9]{15,18})$/.exec(path))) {
      const out = org.update(m[1] ?? "", m[2] ?? "", (body ?? {}) as Record<string, unknown>, ctx);
      return out.success ? { status: 204, body: null, kind: "other" } : { status: 400, body: out.errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields })), kind: "other" };
    }
    if (method === "POST" && (m = /^\/sobjects\/([A-Za-z0-9_]+)$/.exec(path))) {
      const out = org.create(m[1] ?? "", (body ?? {}) as Record<string, unknown>, ctx);
      return out.success ? { status: 201, body: out, kind: "other" } : { status: 400, body: out.errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields })), kind: "other" };
    }
    return notFound;
  }

  function resolveReferences(value: unknown, results: Map<string, unknown>): unknown {
    const text = JSON.stringify(value ?? null).replace(/@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])+)\}/g, (whole, ref: string, path: string) => {
      let node: unknown = results.get(ref);
      for (const part of path.match(/\.[A-Za-z0-9_]+|\[\d+\]/g) ?? []) {
        const key = part.startsWith(".") ? part.slice(1) : Number(part.slice(1, -1));
        node = node && typeof node === "object" ? (node as Record<string | number, unknown>)[key] : undefined;
      }
      return node === undefined ? whole : String(node).replace(/"/g, '\\"');
    });
    return JSON.parse(text);
  }

  /** Each subrequest runs with its own httpHeaders: the composite request's headers do not reach it. */
  function composite(org: Org, body: unknown): Answer {
    const requests = (body as { compositeRequest?: { method: string; url: string; referenceId: string; body?: unknown; httpHeaders?: Record<string, unknown> }[] } | null)?.compositeRequest;
    const allOrNone = (body as { allOrNone?: boolean } | null)?.allOrNone === true;
    if (!Array.isArray(requests) || requests.length === 0) return { status: 400, body: errorBody("JSON_PARSER_ERROR", "compositeRequest is required") };
    if (requests.length > 25) return { status: 400, body: errorBody("LIMIT_EXCEEDED", "A composite request can have at most 25 subrequests") };
    const heavy = requests.filter((r) => /\/query\b|\/composite\/sobjects/.test(r.url)).length;
    if (heavy > 5) return { status: 400, body: errorBody("LIMIT_EXCEEDED", "A composite request can have at most 5 query or collection subrequests") };
    const before = allOrNone ? org.snapshot() : undefined;
    const results = new Map<string, unknown>();
    const responses: { body: unknown; httpHeaders: Record<string, string>; httpStatusCode: number; referenceId: string }[] = [];
    let failed = false;
    for (const sub of requests) {
      const url = new URL(String(resolveReferences(sub.url, results)), "http://x");
      const path = url.pathname.replace(/^\/services\/data\/v\d+\.\d+/, "");
      const answer = failed && allOrNone
        ? { status: 400, body: errorBody("PROCESSING_HALTED", "The transaction was rolled back since another operation in the same transaction failed.") }
        : operation(org, sub.method, path, url.searchParams, resolveReferences(sub.body, results), context(sub.httpHeaders ?? {}));
      if (answer.status >= 400) failed = true;
      results.set(sub.referenceId, answer.body);
      responses.push({ body: answer.body, httpHeaders: {}, httpStatusCode: answer.status, referenceId: sub.referenceId });
    }
    if (before && failed) org.restore(before);
    return { status: 200, body: { compositeResponse: responses } };
  }

  async function data(req: IncomingMessage, res: ServerResponse, url: URL) {
    const m = /^\/services\/data\/v(\d+\.\d+)(\/.*)$/.exec(url.pathname);
    const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const org = auth ? orgs.get(tokens.get(auth) ?? "") : undefined;
    if (!org) return sendJson(res, 401, errorBody("INVALID_SESSION_ID", "Session expired or invalid"));
    const limitHeader = () => ({ "sforce-limit-info": `api-usage=${org.apiUsed}/${org.apiLimit}` });
    if (org.apiUsed >= org.apiLimit) return sendJson(res, 403, errorBody("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."), limitHeader());
    org.apiUsed++;
    const foreign = org.faults.foreign;
    if (foreign && foreign.count > 0) {
      foreign.count--;
      res.writeHead(foreign.status, { "content-type": foreign.contentType, ...limitHeader() });
      return res.end(foreign.body);
    }
    if (org.faults.down || org.faults.fail503 > 0) {
      if (!org.faults.down) org.faults.fail503--;
      return sendJson(res, 503, errorBody("SERVER_UNAVAILABLE", "Server temporarily unavailable"), limitHeader());
    }
    if (!m || !SUPPORTED_VERSIONS.includes(m[1] ?? "")) return sendJson(res, 404, errorBody("NOT_FOUND", "The requested resource does not exist"), limitHeader());
    const text = await readBody(req, 50 * 1024 * 1024);
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        return sendJson(res, 400, errorBody("JSON_PARSER_ERROR", "Malformed JSON"), limitHeader());
      }
    }
    const path = m[2] ?? "";
    const answer = path === "/composite" && req.method === "POST" ? composite(org, body) : operation(org, req.method ?? "GET", path, url.searchParams, body, context(req.headers));
    if (answer.status === 204) {
      res.writeHead(204, limitHeader());
      return res.end();
    }
    return sendJson(res, answer.status, answer.body, limitHeader());
  }

  async function control(req: IncomingMessage, res: ServerResponse, url: URL) {
    const path = url.pathname.replace("/__emulator", "");
    const body = req.method === "POST" ? (JSON.parse((await readBody(req)) || "{}") as Record<string, unknown>) : {};
    if (path === "/orgs" && req.method === "POST") {
      addOrg(body as unknown as OrgOptions);
      return sendJson(res, 201, { ok: true });
    }
    if (path === "/connected-apps" && req.method === "POST") {
      flow.addConnectedApp(body as unknown as ConnectedApp);
      return sendJson(res, 201, { ok: true });
    }
    if (path === "/users" && req.method === "POST") {
      flow.addUser(body as unknown as OrgUser);
      return sendJson(res, 201, { ok: true });
    }
    const m = /^\/orgs\/([^/]+)\/(.+)$/.exec(path);
    const org = m ? orgs.get(decodeURIComponent(m[1] ?? "")) : undefined;
    if (!org || !m) return sendJson(res, 404, { error: "unknown org" });
    const action = m[2] ?? "";
    if (action === "records" && req.method === "POST") return sendJson(res, 201, org.seed(String(body.object), body.fields as Record<string, unknown>));
    if (action.startsWith("records/") && req.method === "GET") return sendJson(res, 200, org.all(action.slice("records/".length)));
    if (action === "drop" && req.method === "POST") {
      org.drop(String(body.object), typeof body.field === "string" ? body.field : undefined);
      return sendJson(res, 200, { ok: true });
    }
    if (action === "stats") return sendJson(res, 200, { apiUsed: org.apiUsed, apiLimit: org.apiLimit });
    if (action === "faults" && req.method === "POST") {
      org.faults = { ...org.faults, ...(body as Partial<Org["faults"]>) };
      if (body.requestLimitExceeded === true) org.apiUsed = org.apiLimit;
      if (typeof body.apiUsed === "number") org.apiUsed = body.apiUsed;
      return sendJson(res, 200, { faults: org.faults });
    }
    if (action === "expire-tokens" && req.method === "POST") {
      for (const [token, id] of tokens) if (id === org.options.id) tokens.delete(token);
      return sendJson(res, 200, { ok: true });
    }
    return sendJson(res, 404, { error: "unknown control route" });
  }

  const server = await serve(async (req, res, url) => {
    if (url.pathname.startsWith("/__emulator/")) return control(req, res, url);
    if (url.pathname === "/services/oauth2/token" && req.method === "POST") return oauth(req, res);
    if (url.pathname === "/services/oauth2/authorize") return flow.authorize(req, res, url);
    if (url.pathname.startsWith("/id/") && req.method === "GET") return flow.identity((t) => tokens.get(t), req, res, url);
    if (url.pathname.startsWith("/services/data/")) return data(req, res, url);
    return sendJson(res, 404, errorBody("NOT_FOUND", "The requested resource does not exist"));
  }, opts.port);
  baseUrl = server.url;
  return { url: baseUrl, orgs, addOrg, addConnectedApp: flow.addConnectedApp, addUser: flow.addUser, close: server.close };
}
