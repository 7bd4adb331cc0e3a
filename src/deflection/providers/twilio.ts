// Twilio Messaging: POST /2010-04-01/Accounts/{Sid}/Messages.json with Basic SID:token.
// WhatsApp (From and To prefixed `whatsapp:`) only with an approved template, ContentSid
// and ContentVariables: a business cannot open a WhatsApp conversation with free text
// (error 63016). SMS with Body: notify's text, or start's system message (Twilio keeps no
// conversation: the customer's answer opens it wherever the number is routed). The channels
// are tried in the tenant's order; Apple and Google are not Twilio's and are skipped. A
// number a channel cannot reach (63003 for WhatsApp, 21211, 21614 or 21610 for SMS) moves
// on to the next channel; 21408 and 63016 are account settings.
import { basic, common, jsonOf, MISCONFIGURED, send } from "../../outreach/http.ts";
import type { Platform } from "../config.ts";
import type { MessageRequest, MessagingProvider, ProviderConfig, ProviderDeps, ProviderResult } from "./types.ts";

type Config = Extract<ProviderConfig, { type: "twilio" }>;

const UNREACHABLE = new Set([63003, 21211, 21614, 21610]);
const ACCOUNT = new Set([21408, 21606, 63016, 63007]);

function form(config: Config, req: MessageRequest, platform: Platform): Record<string, string> | undefined {
  if (platform === "SMS") return { To: req.phone, From: config.from, Body: req.mode === "notify" ? req.texts.notify : req.texts.system };
  if (platform === "WhatsApp" && config.whatsapp) {
    const source = { reason: req.reason ?? req.topic ?? "", topic: req.topic ?? "", deflectionId: req.deflectionId };
    const variables = Object.fromEntries(Object.entries(config.whatsapp.variables).map(([k, from]) => [k, source[from]]));
    return { To: `whatsapp:${req.phone}`, From: `whatsapp:${config.whatsapp.from}`, ContentSid: config.whatsapp.contentSid, ContentVariables: JSON.stringify(variables) };
  }
  return undefined;
}

export function twilioProvider(config: Config): MessagingProvider {
  const url = `${config.apiUrl.replace(/\/+$/, "")}/2010-04-01/Accounts/${config.accountSid}/Messages.json`;
  return {
    name: "twilio",
    idempotent: false,
    async send(req: MessageRequest, deps: ProviderDeps): Promise<ProviderResult> {
      let last = "no_supported_channel";
      for (const { platform } of req.channels) {
        const params = form(config, req, platform);
        if (!params) continue;
        const sent = await send(
          deps.fetch,
          url,
          { method: "POST", headers: { authorization: basic(config.accountSid, config.authToken), "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(params).toString() },
          deps.signal,
        );
        if (!sent.ok) return sent.result;
        const known = common(sent.res);
        if (known) return known;
        const answer = (await jsonOf(sent.res)) as { sid?: unknown; code?: unknown } | null;
        if (sent.res.ok) return { kind: "sent", channel: platform, reference: typeof answer?.sid === "string" ? answer.sid : null };
        const code = typeof answer?.code === "number" ? answer.code : undefined;
        if (code !== undefined && UNREACHABLE.has(code)) {
          last = `twilio_${code}`;
          continue;
        }
        if (code !== undefined && ACCOUNT.has(code)) return MISCONFIGURED;
        return { kind: "refused", code: `twilio_${code ?? sent.res.status}` };
      }
      return { kind: "unreachable", code: last };
    },
  };
}
