// Messaging platforms an IVR moves a caller to, emulated on one HTTP server, each under
// its own path and following its documented contract, authentication included:
//   /quiq/{site}/api/v1/messaging/notify?allowMultipleSegments=true   Basic key:secret
//   /quiq/{site}/api/v1/messaging/start-conversation                  Basic key:secret
//        the bodies of Quiq's IVR integration guide; the answer's body `status` is 200 when
//        it worked (an error answers another `status`, 404 when no platform of the
//        precedence reaches the number: an assumption, as the answer's `platform`)
//   /dms/{gateway}     a customer's Genesys DMS gateway: checks x-connector-signature, runs
//                      "InviteToChat" and answers {_umsChatSessionId}; 422 when the channel
//                      cannot reach the number
//   /webhook/{name}    a generic receiver: signed JSON, Idempotency-Key, {reference, channel}
// Per account: who is reachable on which platform (everyone on SMS; WhatsApp, Apple and
// Google only for the numbers listed, as those channels reach only people who already use
// them), a switch to fail (5xx or a body status), a delay, and what was received.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { delay, readBody, sendJson, serve } from "../http.ts";

export interface MessagingAccount {
  /** quiq: the API secret (with `key`); dms and webhook: the HMAC secret. */
  secret: string;
  key?: string;
  whatsappUsers?: string[];
  appleUsers?: string[];
  googleUsers?: string[];
  /** Numbers no platform reaches, SMS included. */
  unreachable?: string[];
  /** The next n requests answer HTTP 503. */
  fail5xx?: number;
  /** quiq: the next n requests answer HTTP 200 with this body status. */
  failStatus?: { status: number; count: number };
  delayMs?: number;
  /** dms: the DMS channels configured in the HUB, by name → platform. */
  dmsChannels?: Record<string, string>;
}

export interface Received {
  platform: "quiq" | "dms" | "webhook";
  account: string;
  path: string;
  body: Record<string, unknown>;
  /** The channel the emulated platform used. */
  channel: string;
  reference: string;
}

function basicAuth(req: IncomingMessage): [string, string] | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (!m?.[1]) return undefined;
  const [user, ...rest] = Buffer.from(m[1], "base64").toString("utf8").split(":");
  return user === undefined ? undefined : [user, rest.join(":")];
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

function signedBy(secret: string, body: string, given: string): boolean {
  return same(given, `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
}

/** The first platform of the precedence on which the account reaches the number. */
function reach(account: MessagingAccount, phone: string, precedence: string[]): string | undefined {
  if (account.unreachable?.includes(phone)) return undefined;
  return precedence.find((p) => {
    if (p === "SMS") return true;
    if (p === "WhatsApp") return account.whatsappUsers?.includes(phone) ?? false;
    if (p === "AppleMessages") return account.appleUsers?.includes(phone) ?? false;
    if (p === "GoogleMessages") return account.googleUsers?.includes(phone) ?? false;
    return false;
  });
}

export interface MessagingEmulator {
  url: string;
  accounts: Map<string, MessagingAccount>;
  received: Received[];
  close(): Promise<void>;
}

export async function startMessagingEmulator(opts: { port?: number } = {}): Promise<MessagingEmulator> {
  const accounts = new Map<string, MessagingAccount>();
  const received: Received[] = [];
  const idempotency = new Map<string, Received>();

  async function faults(account: MessagingAccount, res: ServerResponse): Promise<boolean> {
    if (account.delayMs) await delay(account.delayMs);
    if ((account.fail5xx ?? 0) > 0) {
      account.fail5xx = (account.fail5xx ?? 0) - 1;
      sendJson(res, 503, { message: "Service Unavailable" });
      return true;
    }
    return false;
  }

  async function quiq(req: IncomingMessage, res: ServerResponse, site: string, op: string, url: URL) {
    const account = accounts.get(site);
    const creds = basicAuth(req);
    if (!account || !creds || creds[0] !== account.key || !same(creds[1], account.secret)) return sendJson(res, 401, { status: 401, message: "Unauthorized" });
    const raw = await readBody(req);
    if (await faults(account, res)) return;
    if (account.failStatus && account.failStatus.count > 0) {
      account.failStatus.count--;
      return sendJson(res, 200, { status: account.failStatus.status, message: "Emulated failure" });
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, { status: 400, message: "Malformed JSON" });
    }
    if (typeof body.contactPoint !== "string") return sendJson(res, 200, { status: 400, message: "contactPoint is required" });
    let searchInfo: unknown;
    let precedence: unknown;
    if (op === "notify") {
      if (url.searchParams.get("allowMultipleSegments") !== "true") return sendJson(res, 200, { status: 400, message: "allowMultipleSegments=true expected by this account" });
      const n = (body.notifications as Record<string, unknown>[] | undefined)?.[0];
      const map = n?.messageMap as { default?: { text?: unknown; directives?: { fieldUpdates?: unknown } } } | undefined;
      if (!n || typeof map?.default?.text !== "string") return sendJson(res, 200, { status: 400, message: "notifications[0].messageMap.default.text is required" });
      const updates = map.default.directives?.fieldUpdates;
      if (updates !== undefined && (!Array.isArray(updates) || updates.some((u: { field?: unknown }) => !/^schema\.conversation\.(customer\.)?custom\.\w+$/.test(String(u.field))))) {
        return sendJson(res, 200, { status: 400, message: "unknown field in fieldUpdates" });
      }
      ({ searchInfo, precedence } = n);
    } else {
      const maps = body.messageMaps as { authorType?: unknown; imported?: unknown; default?: { text?: unknown } }[] | undefined;
      if (!Array.isArray(maps) || maps.some((m) => typeof m.default?.text !== "string" || !["Customer", "System", "User", "Bot"].includes(String(m.authorType)))) {
        return sendJson(res, 200, { status: 400, message: "messageMaps: each needs an authorType and default.text" });
      }
      ({ searchInfo, precedence } = body);
    }
    const phone = String((searchInfo as { phoneNumber?: unknown } | undefined)?.phoneNumber ?? "");
    if (!/^\+[1-9]\d{6,14}$/.test(phone)) return sendJson(res, 200, { status: 400, message: "searchInfo.phoneNumber must be E.164" });
    const platforms = Array.isArray(precedence) ? precedence.map((p: { platform?: unknown }) => String(p.platform)) : ["SMS"];
    const channel = reach(account, phone, platforms);
    if (!channel) return sendJson(res, 200, { status: 404, message: "No platform of the precedence reaches this contact" });
    const reference = randomUUID();
    received.push({ platform: "quiq", account: site, path: op, body, channel, reference });
    if (op === "notify") return sendJson(res, 200, { notifications: [{ searchId: phone, platform: channel, id: reference }] });
    return sendJson(res, 200, { conversationId: reference, platform: channel });
  }

  async function signedJson(req: IncomingMessage, res: ServerResponse, name: string): Promise<{ account: MessagingAccount; body: Record<string, unknown> } | undefined> {
    const account = accounts.get(name);
    const raw = await readBody(req);
    if (!account || !signedBy(account.secret, raw, String(req.headers["x-connector-signature"] ?? ""))) {
      sendJson(res, 401, { error: "bad signature" });
      return undefined;
    }
    if (await faults(account, res)) return undefined;
    return { account, body: JSON.parse(raw) as Record<string, unknown> };
  }

  async function dms(req: IncomingMessage, res: ServerResponse, name: string) {
    const got = await signedJson(req, res, name);
    if (!got) return;
    const { account, body } = got;
    const replay = idempotency.get(`${name}:${String(req.headers["idempotency-key"] ?? "")}`);
    if (replay) return sendJson(res, 200, { _umsChatSessionId: replay.reference });
    const p = (body.Parameters ?? {}) as Record<string, unknown>;
    if (body.Service !== "ChatService" || body.Method !== "InviteToChat") return sendJson(res, 400, { error: "only ChatService.InviteToChat" });
    if (typeof p._umsClientId !== "string" || typeof p._umsBusinessId !== "string") return sendJson(res, 400, { error: "_umsClientId and _umsBusinessId are mandatory" });
    const platform = account.dmsChannels?.[String(p._umsChannel)];
    if (!platform) return sendJson(res, 400, { error: "unknown _umsChannel" });
    if (!["true", "false"].includes(String(p.TerminateSessionFlag ?? "false"))) return sendJson(res, 400, { error: "TerminateSessionFlag is true or false" });
    const phone = String((body.UserData as Record<string, unknown> | undefined)?.PhoneNumber ?? "");
    if (!reach(account, phone, [platform])) return sendJson(res, 422, { reason: "not_reachable" });
    const reference = `${Date.now().toString(16).toUpperCase()}${randomUUID().slice(0, 8).toUpperCase()}`;
    const r: Received = { platform: "dms", account: name, path: "InviteToChat", body, channel: platform, reference };
    received.push(r);
    idempotency.set(`${name}:${String(req.headers["idempotency-key"] ?? randomUUID())}`, r);
    return sendJson(res, 200, { _umsChatSessionId: reference });
  }

  async function webhook(req: IncomingMessage, res: ServerResponse, name: string) {
    const got = await signedJson(req, res, name);
    if (!got) return;
    const { account, body } = got;
    const key = `${name}:${String(req.headers["idempotency-key"] ?? randomUUID())}`;
    const replay = idempotency.get(key);
    if (replay) return sendJson(res, 200, { reference: replay.reference, channel: replay.channel, replayed: true });
    const channels = Array.isArray(body.channels) ? body.channels.map((c: { platform?: unknown }) => String(c.platform)) : [];
    const channel = reach(account, String(body.phone ?? ""), channels);
    if (!channel) return sendJson(res, 422, { error: "unreachable" });
    const r: Received = { platform: "webhook", account: name, path: String(body.type), body, channel, reference: `wh-${randomUUID().slice(0, 8)}` };
    received.push(r);
    idempotency.set(key, r);
    return sendJson(res, 201, { reference: r.reference, channel });
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL) {
    let m: RegExpExecArray | null;
    if ((m = /^\/__emulator\/accounts\/([^/]+)$/.exec(url.pathname)) && req.method === "POST") {
      const name = decodeURIComponent(m[1] ?? "");
      accounts.set(name, { ...(accounts.get(name) ?? { secret: "" }), ...(JSON.parse(await readBody(req)) as Partial<MessagingAccount>) });
      return sendJson(res, 200, { ok: true });
    }
    if (url.pathname === "/__emulator/received" && req.method === "GET") {
      const account = url.searchParams.get("account");
      return sendJson(res, 200, received.filter((r) => !account || r.account === account));
    }
    if (req.method !== "POST") return sendJson(res, 405, { error: "method not allowed" });
    if ((m = /^\/quiq\/([^/]+)\/api\/v1\/messaging\/(notify|start-conversation)$/.exec(url.pathname))) return quiq(req, res, decodeURIComponent(m[1] ?? ""), m[2] ?? "", url);
    if ((m = /^\/dms\/([^/]+)$/.exec(url.pathname))) return dms(req, res, decodeURIComponent(m[1] ?? ""));
    if ((m = /^\/webhook\/([^/]+)$/.exec(url.pathname))) return webhook(req, res, decodeURIComponent(m[1] ?? ""));
    return sendJson(res, 404, { error: "not found" });
  }

  const server = await serve(route, opts.port);
  return { url: server.url, accounts, received, close: server.close };
}
