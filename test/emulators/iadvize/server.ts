// An iAdvize emulator: a real HTTP server following the documented contract (see
// CONTRACTS.md): the password grant at /oauth2/token with its login limits, the token
// check at /_authenticated, and the GraphQL API over seeded conversations, executed
// with graphql-js against graphql/schema.graphql, with Relay pagination and auth.
// Faults are switched per API user, so concurrent tests do not disturb each other.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { buildSchema, graphql } from "graphql";
import { signatureFor } from "../../../src/webhooks/signature.ts";
import { bearer, delay, readBody, sendJson, sendText, serve } from "../http.ts";
import type { SeedConversation } from "./seed.ts";

const SCHEMA = buildSchema(readFileSync(new URL("../../../graphql/schema.graphql", import.meta.url).pathname, "utf8"));

export interface Faults {
  /** The next N API requests of this user answer 503. */
  fail5xx?: number;
  /** The next N GraphQL requests answer a GraphQL error. */
  graphqlErrors?: number;
  /** Every API request answers 503 until switched off: an outage. */
  down?: boolean;
  /** Every login answers 429 until switched off, as when the per-user limit is hit. */
  loginsRefused?: boolean;
  /**
   * GraphQL requests answer a validation error naming this field as unknown, as a
   * server whose schema lacks a field the query selects (e.g. "Visitor.id").
   */
  unknownField?: string;
  /** The next N requests wait this long before answering. */
  slowMs?: number;
  slowCount?: number;
}

interface UserState {
  password: string;
  logins: number[];
  stats: { logins: number; graphql: number; rejectedLogins: number };
  faults: Faults;
}

export interface IadvizeEmulatorOptions {
  port?: number;
  maxPageSize?: number;
  loginsPerMinutePerUser?: number;
  loginsPerMinutePerIp?: number;
  tokenTtlSec?: number;
  log?: (line: string) => void;
}

export interface IadvizeEmulator {
  url: string;
  close(): Promise<void>;
  addUser(username: string, password: string): void;
  addConversation(c: SeedConversation): void;
}

export async function startIadvizeEmulator(opts: IadvizeEmulatorOptions = {}): Promise<IadvizeEmulator> {
  const maxPage = opts.maxPageSize ?? 100;
  const users = new Map<string, UserState>();
  const tokens = new Map<string, { username: string; expiresAt: number }>();
  const conversations = new Map<string, SeedConversation>();
  const ipLogins: number[] = [];

  const addUser = (username: string, password: string) => {
    users.set(username, { password, logins: [], stats: { logins: 0, graphql: 0, rejectedLogins: 0 }, faults: {} });
  };
  const addConversation = (c: SeedConversation) => conversations.set(c.id, c);

  const withinMinute = (times: number[], now: number) => {
    while (times.length > 0 && (times[0] ?? 0) <= now - 60_000) times.shift();
    return times.length;
  };

  async function oauthToken(req: IncomingMessage, res: ServerResponse) {
    const form = new URLSearchParams(await readBody(req));
    if (!(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
      return sendJson(res, 400, { error: "invalid_request", error_description: "form encoding required" });
    }
    if (form.get("grant_type") !== "password") return sendJson(res, 400, { error: "unsupported_grant_type" });
    const now = Date.now();
    if (withinMinute(ipLogins, now) >= (opts.loginsPerMinutePerIp ?? 100)) {
      return sendJson(res, 429, { error: "too_many_requests", error_description: "login limit per IP" });
    }
    const user = users.get(form.get("username") ?? "");
    if (user?.faults.loginsRefused) {
      user.stats.rejectedLogins++;
      return sendJson(res, 429, { error: "too_many_requests", error_description: "login limit per user" });
    }
    if (user && withinMinute(user.logins, now) >= (opts.loginsPerMinutePerUser ?? 10)) {
      user.stats.rejectedLogins++;
      return sendJson(res, 429, { error: "too_many_requests", error_description: "login limit per user" });
    }
    ipLogins.push(now);
    if (!user || user.password !== form.get("password")) {
      return sendJson(res, 400, { error: "invalid_grant", error_description: "Bad credentials" });
    }
    user.logins.push(now);
    user.stats.logins++;
    const token = randomUUID().replaceAll("-", "");
    const ttl = opts.tokenTtlSec ?? 86_400;
    tokens.set(token, { username: form.get("username") ?? "", expiresAt: now + ttl * 1000 });
    return sendJson(res, 200, { access_token: token, expires_in: ttl, token_type: "Bearer", refresh_token: randomUUID() });
  }

  function authenticate(req: IncomingMessage): { username: string; user: UserState } | undefined {
    const token = bearer(req);
    const entry = token ? tokens.get(token) : undefined;
    const user = entry ? users.get(entry.username) : undefined;
    if (!entry || !user || entry.expiresAt <= Date.now()) return undefined;
    return { username: entry.username, user };
  }

  async function applyFaults(user: UserState, res: ServerResponse): Promise<boolean> {
    const f = user.faults;
    if (f.slowMs && (f.slowCount ?? 0) > 0) {
      f.slowCount = (f.slowCount ?? 0) - 1;
      await delay(f.slowMs);
    }
    if (f.down || (f.fail5xx ?? 0) > 0) {
      if (!f.down) f.fail5xx = (f.fail5xx ?? 0) - 1;
      sendText(res, 503, "<html><body>Service Unavailable</body></html>", "text/html");
      return true;
    }
    return false;
  }

  function conversationValue(c: SeedConversation) {
    return {
      id: c.id,
      createdAt: c.createdAt,
      closedAt: c.closedAt,
      channel: c.channel,
      language: c.language,
      visitor: c.visitor,
      messages: ({ first, after }: { first?: number | null; after?: string | null }) => {
        const size = Math.min(Math.max(first ?? maxPage, 0), maxPage);
        const start = after ? Number(Buffer.from(after, "base64url").toString("utf8").replace("offset:", "")) + 1 : 0;
        if (!Number.isInteger(start) || start < 0) throw new Error("invalid cursor");
        const slice = c.messages.slice(start, start + size);
        const cursor = (i: number) => Buffer.from(`offset:${i}`).toString("base64url");
        return {
          edges: slice.map((m, k) => ({
            cursor: cursor(start + k),
            node: {
              id: `${c.id}:${start + k}`,
              createdAt: m.createdAt,
              author: { role: m.role.toUpperCase() },
              payload: { contentType: "text", value: m.text },
            },
          })),
          pageInfo: { hasNextPage: start + size < c.messages.length, endCursor: slice.length > 0 ? cursor(start + slice.length - 1) : after ?? null },
        };
      },
    };
  }

  async function graphqlEndpoint(req: IncomingMessage, res: ServerResponse, url: URL) {
    const auth = authenticate(req);
    if (!auth) return sendJson(res, 401, { error: "invalid_token", error_description: "The access token provided is invalid." });
    auth.user.stats.graphql++;
    if (await applyFaults(auth.user, res)) return;
    const unknown = auth.user.faults.unknownField;
    if (unknown) {
      const [type, field] = unknown.split(".");
      return sendJson(res, 400, { errors: [{ message: `Cannot query field "${field}" on type "${type}".`, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }] });
    }
    if ((auth.user.faults.graphqlErrors ?? 0) > 0) {
      auth.user.faults.graphqlErrors = (auth.user.faults.graphqlErrors ?? 0) - 1;
      return sendJson(res, 200, { data: null, errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
    }
    let payload: { query?: string; variables?: Record<string, unknown>; operationName?: string };
    try {
      payload = JSON.parse(await readBody(req));
    } catch {
      return sendJson(res, 400, { errors: [{ message: "Body must be JSON" }] });
    }
    const platform = url.searchParams.get("platform") === "sd" ? "sd" : "ha";
    const visible = (id: unknown) => {
      const c = typeof id === "string" ? conversations.get(id) : undefined;
      return c && c.platform === platform ? c : undefined;
    };
    const rootValue = {
      conversation: ({ id }: { id: string }) => {
        const c = visible(id);
        return c ? conversationValue(c) : null;
      },
      visitorConversationCustomData: ({ conversationId }: { conversationId: string }) => {
        const c = visible(conversationId);
        if (!c) return null;
        return {
          customData: c.customData.map((d) => {
            const kind = typeof d.value === "string" ? "String" : typeof d.value === "boolean" ? "Boolean" : Number.isInteger(d.value) ? "Int" : "Float";
            const field = `${kind.toLowerCase()}Value`;
            return { __typename: `VisitorConversationCustomDataEntry${kind}`, key: d.key, label: d.key, [field]: d.value };
          }),
        };
      },
    };
    const result = await graphql({
      schema: SCHEMA,
      source: payload.query ?? "",
      rootValue,
      variableValues: payload.variables ?? {},
      operationName: payload.operationName ?? null,
    });
    return sendJson(res, 200, result);
  }

  async function control(req: IncomingMessage, res: ServerResponse, url: URL) {
    const path = url.pathname.replace("/__emulator", "");
    const body = req.method === "POST" ? (JSON.parse((await readBody(req)) || "{}") as Record<string, unknown>) : {};
    if (path === "/users" && req.method === "POST") {
      addUser(String(body.username), String(body.password));
      return sendJson(res, 201, { ok: true });
    }
    if (path === "/conversations" && req.method === "POST") {
      addConversation(body as unknown as SeedConversation);
      return sendJson(res, 201, { ok: true });
    }
    const user = users.get(url.searchParams.get("username") ?? String(body.username ?? ""));
    if (path === "/faults" && req.method === "POST") {
      if (!user) return sendJson(res, 404, { error: "unknown user" });
      user.faults = { ...user.faults, ...(body.faults as Faults) };
      return sendJson(res, 200, { faults: user.faults });
    }
    if (path === "/expire-tokens" && req.method === "POST") {
      for (const [token, entry] of tokens) if (entry.username === body.username) tokens.delete(token);
      return sendJson(res, 200, { ok: true });
    }
    if (path === "/stats" && req.method === "GET") {
      if (!user) return sendJson(res, 404, { error: "unknown user" });
      return sendJson(res, 200, user.stats);
    }
    if (path === "/webhooks" && req.method === "POST") {
      // Sign and deliver a webhook as iAdvize does.
      const text = JSON.stringify(body.event);
      const delivered = await fetch(String(body.url), {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-iadvize-signature": await signatureFor(String(body.secret), text),
          "x-iadvize-delivery": randomUUID(),
          "x-iadvize-correlationid": String(body.correlationId ?? randomUUID()),
        },
        body: text,
      });
      return sendJson(res, 200, { status: delivered.status, body: await delivered.text() });
    }
    return sendJson(res, 404, { error: "unknown control route" });
  }

  const server = await serve(
    async (req, res, url) => {
      if (url.pathname.startsWith("/__emulator/")) return control(req, res, url);
      if (url.pathname === "/oauth2/token" && req.method === "POST") return oauthToken(req, res);
      if (url.pathname === "/_authenticated" && req.method === "GET") {
        const auth = authenticate(req);
        return auth ? sendJson(res, 200, { authenticated: true }) : sendJson(res, 401, { error: "invalid_token" });
      }
      if (url.pathname === "/graphql" && req.method === "POST") return graphqlEndpoint(req, res, url);
      return sendJson(res, 404, { error: "not_found" });
    },
    opts.port,
    (err) => opts.log?.(`iadvize emulator: ${err instanceof Error ? err.message : String(err)}`),
  );
  return {
    url: server.url,
    close: server.close,
    addUser,
    addConversation,
  };
}
