// An iAdvize emulator: a real HTTP server following the documented contract (see
// CONTRACTS.md): the password grant at /oauth2/token with its login limits, the token
// check at /_authenticated, and the GraphQL API over seeded conversations, executed
// with graphql-js against its own schema (schema.graphql beside this file, written from
// the public reference), with Relay pagination and auth. A document the schema does not
// validate is refused as a GraphQL server does (400, GRAPHQL_VALIDATION_FAILED). Faults
// and schema variants are switched per API user, so concurrent tests do not disturb
// each other; a user may be limited to some projects. It imports nothing from the connector's code.
import { createHmac, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { GraphQLError, execute, parse, validate } from "graphql";
import type { DocumentNode } from "graphql";
import { bearer, delay, readBody, sendJson, sendText, serve } from "../http.ts";
import { servedSchema } from "./schema.ts";
import type { SchemaVariant } from "./schema.ts";
import type { SeedConversation, SeedMessage } from "./seed.ts";

/** The header iAdvize sends with a webhook: sha256= and the hex HMAC-SHA256 of the raw body. */
export function iadvizeSignature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

const MESSAGE_TYPE: Record<SeedMessage["role"], string> = {
  visitor: "VisitorMessage",
  operator: "OperatorMessage",
  bot: "BotMessage",
  system: "SystemMessage",
};

/** The filters of closedConversations the emulator applies (the documented ones it can tell from its data). */
interface ClosedFilters {
  projectIds?: number[] | null;
  conversationId?: string | null;
  channels?: string[] | null;
  conversationVisitorIds?: string[] | null;
}

function matchesFilters(c: SeedConversation, f: ClosedFilters | null | undefined): boolean {
  if (!f) return true;
  if (f.projectIds && !f.projectIds.includes(c.projectId)) return false;
  if (f.conversationId && f.conversationId !== c.id) return false;
  if (f.channels && !f.channels.includes(c.channel)) return false;
  if (f.conversationVisitorIds && !f.conversationVisitorIds.includes(c.visitor.id)) return false;
  return true;
}

export interface Faults {
  /** The next N API requests of this user answer 503. */
  fail5xx?: number;
  /** The next N GraphQL requests answer a GraphQL error. */
  graphqlErrors?: number;
  /** Every API request answers 503 until switched off: an outage. */
  down?: boolean;
  /** Every login answers 429 until switched off, as when the per-user limit is hit. */
  loginsRefused?: boolean;
  /** The next N requests wait this long before answering. */
  slowMs?: number;
  slowCount?: number;
  /** Validation errors say only "Validation failed", as a server that hides graphql-js's wording would. */
  opaqueValidation?: boolean;
}

interface UserState {
  password: string;
  /** Projects the user may read; every project when absent (closedConversations answers FORBIDDEN otherwise). */
  projects?: number[];
  logins: number[];
  /** `messages`: message edges served, to show what a reader asks again. */
  stats: { logins: number; graphql: number; rejectedLogins: number; messages: number; closedConversations: number };
  faults: Faults;
  variant?: SchemaVariant | undefined;
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
  addUser(username: string, password: string, projects?: number[]): void;
  addConversation(c: SeedConversation): void;
  /** Messages written in a conversation after it was seeded, as a chat goes on. */
  addMessages(id: string, messages: SeedMessage[]): void;
  /** The conversation closed at `closedAt` (null: open again). */
  setClosed(id: string, closedAt: string | null): void;
  /** What a user's requests cost: logins, GraphQL requests, message edges served. */
  statsOf(username: string): { logins: number; graphql: number; rejectedLogins: number; messages: number } | undefined;
}

export async function startIadvizeEmulator(opts: IadvizeEmulatorOptions = {}): Promise<IadvizeEmulator> {
  const maxPage = opts.maxPageSize ?? 100;
  const users = new Map<string, UserState>();
  const tokens = new Map<string, { username: string; expiresAt: number }>();
  const conversations = new Map<string, SeedConversation>();
  const ipLogins: number[] = [];
  let defaultVariant: SchemaVariant | undefined;

  const addUser = (username: string, password: string, projects?: number[]) => {
    users.set(username, { password, ...(projects ? { projects } : {}), logins: [], stats: { logins: 0, graphql: 0, rejectedLogins: 0, messages: 0, closedConversations: 0 }, faults: {} });
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

  const cursorOf = (i: number) => Buffer.from(`offset:${i}`).toString("base64url");
  const offsetOf = (cursor: string) => Number(Buffer.from(cursor, "base64url").toString("utf8").replace("offset:", ""));

  function messageValue(c: SeedConversation, m: SeedMessage, i: number) {
    const common = { id: `${c.id.slice(0, 24)}${i.toString(16).padStart(12, "0")}`, createdAt: m.createdAt };
    if (m.type) return { ...common, __typename: m.type, body: m.text };
    if (m.role === "system") {
      return { ...common, __typename: "SystemMessage", attachments: [{ __typename: "ConversationPushedSystemAttachment", createdAt: m.createdAt, toUser: null }] };
    }
    return { ...common, __typename: MESSAGE_TYPE[m.role], text: m.text, author: null };
  }

  function customDataValue(c: SeedConversation) {
    return c.customData.map((d) => {
      const kind = typeof d.value === "string" ? "String" : typeof d.value === "boolean" ? "Boolean" : Number.isInteger(d.value) ? "Int" : "Float";
      return { __typename: `VisitorConversationCustomDataEntry${kind}`, key: d.key, label: d.key, [`${kind.toLowerCase()}Value`]: d.value };
    });
  }

  function conversationValue(c: SeedConversation, user?: UserState) {
    return {
      id: c.id,
      legacyId: null,
      createdAt: c.createdAt,
      closedAt: c.closedAt,
      channel: c.channel,
      duration: null,
      conversationVisitors: [{ visitorId: c.visitor.id }],
      satisfactionSurvey: null,
      routingEvents: [],
      customData: customDataValue(c),
      users: null,
      tags: [],
      project: { id: c.projectId, name: null },
      language: c.language,
      visitor: {
        ...c.visitor,
        visitorId: c.visitor.id,
        source: "ONSITE",
        legacyVisitorId: null,
        externalId: null,
        address: null,
        zipCode: null,
        createdAt: c.createdAt,
        updatedAt: c.createdAt,
        username: null,
        avatarUrl: null,
        project: { id: c.projectId, name: null },
        _unusedField: null,
      },
      visitors: null,
      messages: ({ first, after }: { first?: number | null; after?: string | null }) => {
        const size = Math.min(Math.max(first ?? maxPage, 0), maxPage);
        const start = after ? offsetOf(after) + 1 : 0;
        if (!Number.isInteger(start) || start < 0) throw new GraphQLError("invalid cursor", { extensions: { code: "BAD_USER_INPUT" } });
        const slice = c.messages.slice(start, start + size);
        if (user) user.stats.messages += slice.length;
        return {
          edges: slice.map((m, k) => ({ cursor: cursorOf(start + k), node: messageValue(c, m, start + k) })),
          pageInfo: {
            hasNextPage: start + size < c.messages.length,
            hasPreviousPage: start > 0,
            startCursor: slice.length > 0 ? cursorOf(start) : null,
            // Relay: the cursors of the first and last edges, null when there are none (nothing after `after` yet).
            endCursor: slice.length > 0 ? cursorOf(start + slice.length - 1) : null,
          },
        };
      },
    };
  }

  async function graphqlEndpoint(req: IncomingMessage, res: ServerResponse, url: URL) {
    const auth = authenticate(req);
    if (!auth) return sendJson(res, 401, { error: "invalid_token", error_description: "The access token provided is invalid." });
    auth.user.stats.graphql++;
    if (await applyFaults(auth.user, res)) return;
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
        return c ? conversationValue(c, auth.user) : null;
      },
      visitorConversationCustomData: ({ conversationId }: { conversationId: string }) => {
        const c = visible(conversationId);
        return c ? { customData: customDataValue(c) } : null;
      },
      // ASSUMPTION (not public): a project the user may not read is refused with a FORBIDDEN error.
      // The interval is [from, to) on closedAt; conversations come oldest closed first, then by id,
      // in Relay pages whose cursors are offsets within the filtered list.
      closedConversations: ({ interval, filters, first, after }: { interval: { from: string; to: string }; filters?: ClosedFilters | null; first?: number | null; after?: string | null }) => {
        const allowed = auth.user.projects;
        const asked = filters?.projectIds ?? [];
        if (allowed && (asked.length === 0 || asked.some((p) => !allowed.includes(p)))) {
          throw new GraphQLError("You are not allowed to access this project", { extensions: { code: "FORBIDDEN" } });
        }
        const from = Date.parse(interval.from);
        const to = Date.parse(interval.to);
        if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) {
          throw new GraphQLError("interval.from must be before interval.to", { extensions: { code: "BAD_USER_INPUT" } });
        }
        auth.user.stats.closedConversations++;
        const found = [...conversations.values()]
          .filter((c) => {
            const closed = c.closedAt ? Date.parse(c.closedAt) : Number.NaN;
            const readable = !allowed || allowed.includes(c.projectId);
            return c.platform === platform && closed >= from && closed < to && readable && matchesFilters(c, filters);
          })
          .sort((a, b) => (a.closedAt ?? "").localeCompare(b.closedAt ?? "") || a.id.localeCompare(b.id));
        const start = after ? offsetOf(after) + 1 : 0;
        if (!Number.isInteger(start) || start < 0) throw new GraphQLError("invalid cursor", { extensions: { code: "BAD_USER_INPUT" } });
        const size = Math.min(Math.max(first ?? maxPage, 0), maxPage);
        const page = found.slice(start, start + size);
        return {
          edges: page.map((c, i) => ({ cursor: cursorOf(start + i), node: conversationValue(c) })),
          pageInfo: {
            hasNextPage: start + page.length < found.length,
            hasPreviousPage: start > 0,
            startCursor: page.length > 0 ? cursorOf(start) : null,
            endCursor: page.length > 0 ? cursorOf(start + page.length - 1) : (after ?? null),
          },
        };
      },
      routingRule: ({ id }: { id: string }) => ({ id, availability: { chat: { isAvailable: true } } }),
    };
    const served = servedSchema(auth.user.variant ?? defaultVariant);
    let document: DocumentNode;
    try {
      document = parse(payload.query ?? "");
    } catch (err) {
      const message = err instanceof GraphQLError ? err.message : "Syntax Error";
      return sendJson(res, 400, { errors: [{ message, extensions: { code: "GRAPHQL_PARSE_FAILED" } }] });
    }
    const invalid = validate(served.schema, document);
    if (invalid.length > 0) {
      return sendJson(res, 400, { errors: invalid.map((e) => ({ message: auth.user.faults.opaqueValidation ? "Validation failed" : e.message, locations: e.locations, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })) });
    }
    const result = await execute({
      schema: served.schema,
      document,
      rootValue,
      variableValues: payload.variables ?? {},
      operationName: payload.operationName ?? null,
      fieldResolver: served.fieldResolver,
      typeResolver: served.typeResolver,
    });
    return sendJson(res, 200, result);
  }

  async function control(req: IncomingMessage, res: ServerResponse, url: URL) {
    const path = url.pathname.replace("/__emulator", "");
    const body = req.method === "POST" ? (JSON.parse((await readBody(req)) || "{}") as Record<string, unknown>) : {};
    if (path === "/users" && req.method === "POST") {
      addUser(String(body.username), String(body.password), Array.isArray(body.projects) ? body.projects.map(Number) : undefined);
      return sendJson(res, 201, { ok: true });
    }
    if (path === "/conversations" && req.method === "POST") {
      addConversation(body as unknown as SeedConversation);
      return sendJson(res, 201, { ok: true });
    }
    // A conversation going on: messages written after the seed, then its close (or a reopening, closedAt null).
    const live = /^\/conversations\/([^/]+)\/(messages|closed)$/.exec(path);
    if (live && req.method === "POST") {
      const c = conversations.get(decodeURIComponent(live[1] ?? ""));
      if (!c) return sendJson(res, 404, { error: "unknown conversation" });
      if (live[2] === "messages") c.messages.push(...(body.messages as SeedMessage[]));
      else c.closedAt = (body.closedAt as string | null) ?? null;
      return sendJson(res, 200, { messages: c.messages.length, closedAt: c.closedAt });
    }
    const user = users.get(url.searchParams.get("username") ?? String(body.username ?? ""));
    if (path === "/faults" && req.method === "POST") {
      if (!user) return sendJson(res, 404, { error: "unknown user" });
      user.faults = { ...user.faults, ...(body.faults as Faults) };
      return sendJson(res, 200, { faults: user.faults });
    }
    if (path === "/schema-variant" && req.method === "POST") {
      // For one API user, or for every user without one of their own when no username is given.
      const variant = (body.variant ?? undefined) as SchemaVariant | undefined;
      if (body.username === undefined) defaultVariant = variant;
      else if (!user) return sendJson(res, 404, { error: "unknown user" });
      else user.variant = variant;
      return sendJson(res, 200, { variant: variant ?? null });
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
          "x-iadvize-signature": iadvizeSignature(String(body.secret), text),
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
    addMessages: (id, messages) => void conversations.get(id)?.messages.push(...messages),
    setClosed: (id, closedAt) => {
      const c = conversations.get(id);
      if (c) c.closedAt = closedAt;
    },
    statsOf: (username) => users.get(username)?.stats,
  };
}
