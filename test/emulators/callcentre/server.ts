// Call-centre platforms, emulated on one HTTP server, each under its own path and
// following its documented contract, authentication included:
//   /webhook/{account}                         signed JSON (x-connector-signature, Idempotency-Key)
//   /genesys/oauth/token, /genesys/api/v2/conversations/callbacks   client credentials, then Bearer
//   /twilio/2010-04-01/Accounts/{Sid}/Calls.json                   Basic SID:token, form body
//   /talkdesk/oauth/token, /talkdesk/calls/callback                client credentials (scope callback:write)
//   /aircall/v1/users/{id}/calls                                   Basic api_id:api_token, 204
// and what a credentials check reads without placing a call: a signed {"type":"ping"} to
// the webhook, the OAuth grants, Twilio's Account resource, Aircall's /v1/ping and user.
// Each account (webhook name, client id, SID, api id) has its own switches: numbers to
// refuse, a delay before answering, 5xx answers, the probes' answers, and for Twilio the
// account settings that refuse a call (geographic permissions, a trial account's verified
// numbers). Errors come in each platform's documented shape: OAuth token errors as RFC 6749
// §5.2 (Genesys: 400 for an unknown client, 401 for a wrong secret), Twilio's
// {code, message, more_info, status}, Talkdesk's {code, message, fields}.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { delay, readBody, sendJson, serve } from "../http.ts";

export interface Account {
  /** webhook: the HMAC secret; genesys/talkdesk: the client secret; twilio: the auth token; aircall: the api token. */
  secret: string;
  refuseNumbers?: string[];
  delayMs?: number;
  fail5xx?: number;
  /** Twilio: calling codes the account may call (e.g. "+33"); any when absent. */
  geoPermissions?: string[];
  /** Twilio: a trial account calls only its verified numbers. */
  trial?: boolean;
  verifiedNumbers?: string[];
  /** webhook: the status its receiver answers a ping with (default 200). */
  pingStatus?: number;
  /** twilio: the account's status (default active). */
  status?: "active" | "suspended" | "closed";
  /** aircall: the user ids of the company (any, when absent). */
  users?: number[];
}

export interface ReceivedCallback {
  provider: string;
  account: string;
  phone: string;
  reference: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export interface CallCentreEmulator {
  url: string;
  accounts: Map<string, Account>;
  received: ReceivedCallback[];
  close(): Promise<void>;
}

function basicAuth(req: IncomingMessage): [string, string] | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (!m?.[1]) return undefined;
  const [user, ...rest] = Buffer.from(m[1], "base64").toString("utf8").split(":");
  return user === undefined ? undefined : [user, rest.join(":")];
}

function twilioError(res: ServerResponse, status: number, code: number, message: string): void {
  sendJson(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

/** Talkdesk context fields: each {name, display_name, tooltip_text, data_type, value}, all strings. */
function talkdeskFieldProblems(fields: unknown): { name: string; description: string }[] {
  if (fields === undefined) return [];
  if (!Array.isArray(fields)) return [{ name: "context.fields", description: "must be an array" }];
  return fields.flatMap((f: unknown, i) =>
    ["name", "display_name", "tooltip_text", "data_type", "value"]
      .filter((k) => typeof (f as Record<string, unknown> | null)?.[k] !== "string")
      .map((k) => ({ name: `context.fields[${i}].${k}`, description: "must be a string" })),
  );
}

export async function startCallCentreEmulator(opts: { port?: number } = {}): Promise<CallCentreEmulator> {
  const accounts = new Map<string, Account>();
  const received: ReceivedCallback[] = [];
  const tokens = new Map<string, string>(); // token → account
  const idempotency = new Map<string, string>(); // account:key → reference

  async function faults(account: Account, res: ServerResponse): Promise<boolean> {
    if (account.delayMs) await delay(account.delayMs);
    if ((account.fail5xx ?? 0) > 0) {
      account.fail5xx = (account.fail5xx ?? 0) - 1;
      sendJson(res, 503, { message: "Service Unavailable" });
      return true;
    }
    return false;
  }

  function record(provider: string, account: string, phone: string, body: unknown, req: IncomingMessage): string {
    const reference = `${provider}-${randomUUID().slice(0, 8)}`;
    received.push({ provider, account, phone, reference, body, headers: req.headers });
    return reference;
  }

  async function oauth(req: IncomingMessage, res: ServerResponse, platform: "genesys" | "talkdesk") {
    const creds = basicAuth(req);
    const form = new URLSearchParams(await readBody(req));
    const account = creds ? accounts.get(creds[0]) : undefined;
    if (account && (account.fail5xx ?? 0) > 0) {
      account.fail5xx = (account.fail5xx ?? 0) - 1;
      return sendJson(res, 503, { error: "temporarily_unavailable" });
    }
    if (form.get("grant_type") !== "client_credentials") return sendJson(res, 400, { error: "unsupported_grant_type" });
    if (platform === "genesys") {
      if (!creds || !account) return sendJson(res, 400, { error: "invalid_client", description: "client not found", error_description: "client not found" });
      if (account.secret !== creds[1]) return sendJson(res, 401, { error: "invalid_client", description: "authentication failed", error_description: "authentication failed" });
    } else if (!creds || !account || account.secret !== creds[1]) {
      return sendJson(res, 401, { error: "invalid_client", error_description: "Bad client credentials" }, { "www-authenticate": 'Basic realm="oauth"' });
    }
    if (platform === "talkdesk" && !(form.get("scope") ?? "").split(" ").includes("callback:write")) return sendJson(res, 400, { error: "invalid_scope" });
    const token = randomUUID();
    tokens.set(token, creds[0]);
    return sendJson(res, 200, { access_token: token, token_type: "bearer", expires_in: 86399 });
  }

  const bearerAccount = (req: IncomingMessage) => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const name = token ? tokens.get(token) : undefined;
    return name ? { name, account: accounts.get(name) } : undefined;
  };

  async function route(req: IncomingMessage, res: ServerResponse, url: URL) {
    let m: RegExpExecArray | null;
    if (url.pathname.startsWith("/__emulator/")) {
      if ((m = /^\/__emulator\/accounts\/([^/]+)$/.exec(url.pathname)) && req.method === "POST") {
        const name = decodeURIComponent(m[1] ?? "");
        accounts.set(name, { ...(accounts.get(name) ?? { secret: "" }), ...(JSON.parse(await readBody(req)) as Partial<Account>) } as Account);
        return sendJson(res, 200, { ok: true });
      }
      if (url.pathname === "/__emulator/callbacks") {
        const account = url.searchParams.get("account");
        return sendJson(res, 200, received.filter((r) => !account || r.account === account).map(({ headers: _, ...r }) => r));
      }
      return sendJson(res, 404, { error: "unknown control route" });
    }

    if ((m = /^\/webhook\/([^/]+)$/.exec(url.pathname)) && req.method === "POST") {
      const name = decodeURIComponent(m[1] ?? "");
      const account = accounts.get(name);
      const body = await readBody(req);
      const expected = account ? `sha256=${createHmac("sha256", account.secret).update(body).digest("hex")}` : "";
      const given = String(req.headers["x-connector-signature"] ?? "");
      if (!account || given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
        return sendJson(res, 401, { error: "bad signature" });
      }
      if (await faults(account, res)) return;
      const payload = JSON.parse(body) as { type?: string; phone: string };
      if (payload.type === "ping") return sendJson(res, account.pingStatus ?? 200, { pong: true });
      if (account.refuseNumbers?.includes(payload.phone)) return sendJson(res, 422, { error: "invalid_number" });
      const key = `${name}:${String(req.headers["idempotency-key"] ?? randomUUID())}`;
      const known = idempotency.get(key);
      if (known) return sendJson(res, 200, { reference: known, replayed: true });
      const reference = record("webhook", name, payload.phone, payload, req);
      idempotency.set(key, reference);
      return sendJson(res, 201, { reference });
    }

    if (url.pathname === "/genesys/oauth/token" && req.method === "POST") return oauth(req, res, "genesys");
    if (url.pathname === "/genesys/api/v2/conversations/callbacks" && req.method === "POST") {
      const who = bearerAccount(req);
      if (!who?.account) return sendJson(res, 401, { status: 401, code: "authentication.required", message: "No authentication bearer token specified" });
      const body = JSON.parse(await readBody(req)) as { callbackNumbers?: string[]; routingData?: { queueId?: string } };
      if (await faults(who.account, res)) return;
      const address = body.callbackNumbers?.[0] ?? "";
      // E.164, or the normalised address with an extension: tel:+E164;ext=digits.
      const parts = /^(\+[1-9]\d{6,14})$|^tel:(\+[1-9]\d{6,14})(?:;ext=\d{1,10})?$/.exec(address);
      if (!parts) return sendJson(res, 400, { status: 400, code: "bad.request", message: "callbackNumbers[0] is not a valid phone address" });
      const phone = parts[1] ?? parts[2] ?? "";
      if (!body.routingData?.queueId) return sendJson(res, 400, { status: 400, code: "bad.request", message: "routingData.queueId is required" });
      if (who.account.refuseNumbers?.includes(phone)) return sendJson(res, 400, { status: 400, code: "invalid.phone.number", message: "Invalid callback number" });
      const reference = record("genesys", who.name, phone, body, req);
      return sendJson(res, 200, { conversation: { id: reference, selfUri: `/api/v2/conversations/${reference}` }, callbackIdentifiers: [{ type: "EXTERNAL", id: reference }] });
    }

    if ((m = /^\/twilio\/2010-04-01\/Accounts\/([^/]+)\/Calls\.json$/.exec(url.pathname)) && req.method === "POST") {
      const sid = m[1] ?? "";
      const creds = basicAuth(req);
      const account = accounts.get(sid);
      if (!creds || !account || creds[0] !== sid || creds[1] !== account.secret) return twilioError(res, 401, 20003, "Authenticate");
      const form = new URLSearchParams(await readBody(req));
      if (await faults(account, res)) return;
      const to = form.get("To") ?? "";
      if (!form.get("From") || !(form.get("Url") || form.get("Twiml"))) return sendJson(res, 400, { code: 21205, message: "Url parameter is required.", status: 400 });
      const digits = form.get("SendDigits");
      if (digits !== null && !/^[0-9A-D*#wW]{1,32}$/.test(digits)) return twilioError(res, 400, 21206, "Invalid SendDigits");
      if (account.refuseNumbers?.includes(to)) return twilioError(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
      if (account.geoPermissions && !account.geoPermissions.some((prefix) => to.startsWith(prefix))) {
        return twilioError(res, 400, 21215, `Account not authorized to call ${to}. Perhaps you need to enable some international permissions.`);
      }
      if (account.trial && !account.verifiedNumbers?.includes(to)) {
        return twilioError(res, 400, 21219, `The number ${to} is unverified. Trial accounts cannot make calls to unverified numbers.`);
      }
      const reference = `CA${randomUUID().replaceAll("-", "")}`;
      received.push({ provider: "twilio", account: sid, phone: to, reference, body: Object.fromEntries(form), headers: req.headers });
      return sendJson(res, 201, { sid: reference, status: "queued", to, from: form.get("From") });
    }

    if ((m = /^\/twilio\/2010-04-01\/Accounts\/([^/]+)\.json$/.exec(url.pathname)) && req.method === "GET") {
      const sid = m[1] ?? "";
      const creds = basicAuth(req);
      const account = accounts.get(sid);
      if (!creds || !account || creds[0] !== sid || creds[1] !== account.secret) return sendJson(res, 401, { code: 20003, message: "Authenticate", status: 401 });
      if (await faults(account, res)) return;
      return sendJson(res, 200, { sid, status: account.status ?? "active", type: "Full", friendly_name: sid });
    }

    if (url.pathname === "/talkdesk/oauth/token" && req.method === "POST") return oauth(req, res, "talkdesk");
    if (url.pathname === "/talkdesk/calls/callback" && req.method === "POST") {
      const who = bearerAccount(req);
      if (!who?.account) return sendJson(res, 401, { code: "0000401", message: "Unauthorized" });
      const body = JSON.parse(await readBody(req)) as { contact_phone_number?: string; talkdesk_phone_number?: string; context?: { fields?: unknown } };
      if (await faults(who.account, res)) return;
      const badFields = talkdeskFieldProblems(body.context?.fields);
      if (badFields.length > 0) return sendJson(res, 400, { code: "4000001", message: "Invalid request", fields: badFields });
      const phone = body.contact_phone_number ?? "";
      if (who.account.refuseNumbers?.includes(phone)) return sendJson(res, 400, { code: "4000002", message: "Invalid request", fields: [{ name: "contact_phone_number", description: "invalid phone number" }] });
      const reference = record("talkdesk", who.name, phone, body, req);
      return sendJson(res, 201, { callback_id: reference });
    }

    if ((url.pathname === "/aircall/v1/ping" || (m = /^\/aircall\/v1\/users\/(\d+)$/.exec(url.pathname))) && req.method === "GET") {
      const creds = basicAuth(req);
      const account = creds ? accounts.get(creds[0]) : undefined;
      if (!creds || !account || account.secret !== creds[1]) return sendJson(res, 401, { error: "Unauthorized" });
      if (await faults(account, res)) return;
      if (url.pathname === "/aircall/v1/ping") return sendJson(res, 200, { ping: "pong" });
      const id = Number(m?.[1]);
      if (account.users && !account.users.includes(id)) return sendJson(res, 404, { error: "Not found", troubleshoot: "Check the user id" });
      return sendJson(res, 200, { user: { id, availability_status: "available" } });
    }

    if ((m = /^\/aircall\/v1\/users\/(\d+)\/calls$/.exec(url.pathname)) && req.method === "POST") {
      const creds = basicAuth(req);
      const account = creds ? accounts.get(creds[0]) : undefined;
      if (!creds || !account || account.secret !== creds[1]) return sendJson(res, 401, { error: "Unauthorized", troubleshoot: "Check your API ID and API token" });
      const body = JSON.parse(await readBody(req)) as { number_id?: number; to?: string };
      if (await faults(account, res)) return;
      if (!/^\+[1-9]\d{6,14}$/.test(body.to ?? "")) return sendJson(res, 400, { error: "Invalid 'to' number", troubleshoot: "Check the to number format (E.164)" });
      if (account.refuseNumbers?.includes(body.to ?? "")) return sendJson(res, 400, { error: "Invalid 'to' number", troubleshoot: "Check the to number format (E.164)" });
      record("aircall", creds[0], body.to ?? "", { ...body, userId: Number(m[1]) }, req);
      res.writeHead(204);
      return res.end();
    }

    return sendJson(res, 404, { error: "not found" });
  }

  const server = await serve(route, opts.port);
  return { url: server.url, accounts, received, close: server.close };
}
