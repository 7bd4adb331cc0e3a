// Twilio Messaging, emulated from its public documentation, and the customer at the
// other end of the SMS:
//   POST /2010-04-01/Accounts/{Sid}/Messages.json   Basic SID:auth token, form To, From, Body
//        → 201 the Message resource, or Twilio's error shape {code, message, more_info, status}
//        WhatsApp: From and To prefixed "whatsapp:"; a business opens a conversation only
//        with an approved template (ContentSid, ContentVariables as a JSON object): free
//        text (Body) to someone who has not written within 24 hours is refused with 63016;
//        a To that is not on WhatsApp, 63003; a From that is not a WhatsApp sender, 63007;
//        an unknown template, 21655; ContentVariables that are not a JSON object, 21656.
//   POST /__emulator/accounts/{Sid}                 {authToken, numbers, inboundUrl, landlines?, fail5xx?,
//                                                    whatsappSenders?, whatsappUsers?, whatsappSessions?, templates?}
//   GET  /__emulator/messages?account=&to=          the SMS sent, in order
//   POST /__emulator/reply                          {account, from, to, body, messageSid?, deliver?}
//        the customer's reply as Twilio posts it to the "A message comes in" webhook:
//        form parameters signed with X-Twilio-Signature (HMAC-SHA1 of the URL and the
//        sorted parameters, with the auth token). With deliver: true the emulator POSTs
//        it; otherwise it answers the signed request for the caller to deliver. A reply
//        STOP (or STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT) opts the number out, as
//        Twilio's default opt-out handling does, and carries OptOutType=STOP.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson, serve } from "../http.ts";

export interface SmsAccount {
  authToken: string;
  /** The account's numbers: the only valid From. */
  numbers: string[];
  /** The messaging webhook ("A message comes in") of the account's numbers. */
  inboundUrl?: string;
  /** Numbers that are not mobiles (error 21614). */
  landlines?: string[];
  /** The next n sends answer 503. */
  fail5xx?: number;
  /** WhatsApp senders of the account (E.164, without the whatsapp: prefix). */
  whatsappSenders?: string[];
  /** Numbers that use WhatsApp. */
  whatsappUsers?: string[];
  /** Numbers that wrote within the last 24 hours: free text may go to them. */
  whatsappSessions?: string[];
  /** Approved templates: Content SID → its text, {{1}} … replaced by ContentVariables. */
  templates?: Record<string, string>;
}

export interface SentSms {
  sid: string;
  account: string;
  /** "sms" or "whatsapp". */
  channel: string;
  from: string;
  to: string;
  body: string;
  at: number;
}

export interface SignedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  messageSid: string;
}

const STOP_WORDS = new Set(["stop", "stopall", "unsubscribe", "cancel", "end", "quit"]);
const START_WORDS = new Set(["start", "unstop", "yes"]);

const sid = (prefix: string) => prefix + randomBytes(16).toString("hex");

/** Twilio's signature: base64 HMAC-SHA1 over the URL and each parameter name and value, sorted by name. */
export function twilioSign(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac("sha1", authToken).update(Buffer.from(data, "utf8")).digest("base64");
}

function twilioError(res: ServerResponse, status: number, code: number, message: string): void {
  sendJson(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

function basicAuth(req: IncomingMessage): [string, string] | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (!m?.[1]) return undefined;
  const [user, ...rest] = Buffer.from(m[1], "base64").toString("utf8").split(":");
  return user === undefined ? undefined : [user, rest.join(":")];
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export interface SmsEmulator {
  url: string;
  accounts: Map<string, SmsAccount>;
  sent: SentSms[];
  close(): Promise<void>;
}

export async function startSmsEmulator(opts: { port?: number } = {}): Promise<SmsEmulator> {
  const accounts = new Map<string, SmsAccount>();
  const sent: SentSms[] = [];
  // account:number → customers who replied STOP to that number
  const optedOut = new Set<string>();

  async function messages(req: IncomingMessage, res: ServerResponse, accountSid: string) {
    const creds = basicAuth(req);
    const account = accounts.get(accountSid);
    if (!creds || !account || creds[0] !== accountSid || !same(creds[1], account.authToken)) return twilioError(res, 401, 20003, "Authenticate");
    if ((account.fail5xx ?? 0) > 0) {
      account.fail5xx = (account.fail5xx ?? 0) - 1;
      return twilioError(res, 503, 20500, "Service Unavailable");
    }
    const form = new URLSearchParams(await readBody(req));
    if ((form.get("To") ?? "").startsWith("whatsapp:")) return whatsapp(res, accountSid, account, form);
    const to = form.get("To");
    const from = form.get("From");
    const body = form.get("Body");
    if (!to) return twilioError(res, 400, 21604, "A 'To' phone number is required.");
    if (!body) return twilioError(res, 400, 21602, "Message body is required.");
    if (body.length > 1600) return twilioError(res, 400, 21617, "The concatenated message body exceeds the 1600 character limit.");
    if (!from || !account.numbers.includes(from)) return twilioError(res, 400, 21606, "The From phone number is not a valid, SMS-capable inbound phone number or short code for your account.");
    if (!/^\+[1-9]\d{6,14}$/.test(to)) return twilioError(res, 400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (account.landlines?.includes(to)) return twilioError(res, 400, 21614, `'To' number ${to} is not a valid mobile number`);
    if (optedOut.has(`${accountSid}:${from}:${to}`)) return twilioError(res, 400, 21610, "Attempt to send to unsubscribed recipient");
    return created(res, { sid: sid("SM"), account: accountSid, channel: "sms", from, to, body, at: Date.now() });
  }

  function whatsapp(res: ServerResponse, accountSid: string, account: SmsAccount, form: URLSearchParams) {
    const to = (form.get("To") ?? "").slice("whatsapp:".length);
    const fromRaw = form.get("From") ?? "";
    const from = fromRaw.startsWith("whatsapp:") ? fromRaw.slice("whatsapp:".length) : "";
    if (!from || !account.whatsappSenders?.includes(from)) return twilioError(res, 400, 63007, "Twilio could not find a Channel with the specified From address");
    if (!/^\+[1-9]\d{6,14}$/.test(to)) return twilioError(res, 400, 21211, `Invalid 'To' Phone Number: whatsapp:${to}`);
    if (!account.whatsappUsers?.includes(to)) return twilioError(res, 400, 63003, "Channel could not find To address");
    const contentSid = form.get("ContentSid");
    let body: string;
    if (contentSid) {
      const template = account.templates?.[contentSid];
      if (template === undefined) return twilioError(res, 400, 21655, "The ContentSid is Invalid");
      let variables: unknown = {};
      try {
        variables = JSON.parse(form.get("ContentVariables") ?? "{}");
      } catch {
        return twilioError(res, 400, 21656, "The ContentVariables Parameter is invalid");
      }
      if (typeof variables !== "object" || variables === null || Array.isArray(variables)) return twilioError(res, 400, 21656, "The ContentVariables Parameter is invalid");
      body = template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String((variables as Record<string, unknown>)[k] ?? ""));
    } else {
      const text = form.get("Body");
      if (!text) return twilioError(res, 400, 21602, "Message body is required.");
      // A business cannot open a WhatsApp conversation with free text: only within 24 h of the customer's own message.
      if (!account.whatsappSessions?.includes(to)) {
        return twilioError(res, 400, 63016, "Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.");
      }
      body = text;
    }
    return created(res, { sid: sid("SM"), account: accountSid, channel: "whatsapp", from: `whatsapp:${from}`, to: `whatsapp:${to}`, body, at: Date.now() });
  }

  function created(res: ServerResponse, message: SentSms) {
    const { account: accountSid, from, to, body } = message;
    sent.push(message);
    const now = new Date().toUTCString();
    return sendJson(res, 201, {
      sid: message.sid,
      account_sid: accountSid,
      to,
      from,
      body,
      status: "queued",
      direction: "outbound-api",
      api_version: "2010-04-01",
      num_segments: String(Math.ceil(body.length / 153) || 1),
      num_media: "0",
      date_created: now,
      date_updated: now,
      date_sent: null,
      error_code: null,
      error_message: null,
      price: null,
      price_unit: "USD",
      messaging_service_sid: null,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}.json`,
    });
  }

  /** The customer's reply as Twilio would post it, signed. */
  function inbound(accountSid: string, account: SmsAccount, from: string, to: string, body: string, messageSid?: string): SignedRequest {
    if (!account.inboundUrl) throw new Error("the account has no inbound URL");
    const word = body.trim().toLowerCase();
    const key = `${accountSid}:${to}:${from}`;
    const params: Record<string, string> = {
      ToCountry: "FR",
      ToState: "",
      SmsMessageSid: "",
      NumMedia: "0",
      ToCity: "",
      FromZip: "",
      SmsSid: "",
      FromState: "",
      SmsStatus: "received",
      FromCity: "",
      Body: body,
      FromCountry: "FR",
      To: to,
      ToZip: "",
      NumSegments: "1",
      MessageSid: messageSid ?? sid("SM"),
      AccountSid: accountSid,
      From: from,
      ApiVersion: "2010-04-01",
    };
    params.SmsMessageSid = params.MessageSid ?? "";
    params.SmsSid = params.MessageSid ?? "";
    if (STOP_WORDS.has(word)) {
      optedOut.add(key);
      params.OptOutType = "STOP";
    } else if (START_WORDS.has(word) && optedOut.has(key)) {
      optedOut.delete(key);
      params.OptOutType = "START";
    }
    const formBody = new URLSearchParams(params).toString();
    return {
      url: account.inboundUrl,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": twilioSign(account.authToken, account.inboundUrl, params),
        "i-twilio-idempotency-token": randomBytes(8).toString("hex"),
        "user-agent": "TwilioProxy/1.1",
      },
      body: formBody,
      messageSid: params.MessageSid ?? "",
    };
  }

  const server = await serve(async (req, res, url) => {
    const path = url.pathname;
    const m = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path);
    if (m?.[1] && req.method === "POST") return messages(req, res, m[1]);

    const acct = /^\/__emulator\/accounts\/([^/]+)$/.exec(path);
    if (acct?.[1] && req.method === "POST") {
      accounts.set(decodeURIComponent(acct[1]), JSON.parse(await readBody(req)) as SmsAccount);
      return sendJson(res, 200, { ok: true });
    }
    if (path === "/__emulator/messages" && req.method === "GET") {
      const account = url.searchParams.get("account");
      const to = url.searchParams.get("to");
      return sendJson(res, 200, sent.filter((s) => (!account || s.account === account) && (!to || s.to === to)));
    }
    if (path === "/__emulator/reply" && req.method === "POST") {
      const r = JSON.parse(await readBody(req)) as { account: string; from: string; to: string; body: string; messageSid?: string; deliver?: boolean };
      const account = accounts.get(r.account);
      if (!account) return sendJson(res, 404, { error: "unknown account" });
      const signed = inbound(r.account, account, r.from, r.to, r.body, r.messageSid);
      if (!r.deliver) return sendJson(res, 200, signed);
      const answer = await fetch(signed.url, { method: "POST", headers: signed.headers, body: signed.body });
      return sendJson(res, 200, { messageSid: signed.messageSid, status: answer.status, body: await answer.text() });
    }
    return sendJson(res, 404, { error: "not_found" });
  }, opts.port);

  return { url: server.url, accounts, sent, close: server.close };
}
