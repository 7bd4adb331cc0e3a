// Twilio Messaging: POST /2010-04-01/Accounts/{Sid}/Messages.json (To, From, Body) with
// Basic SID:token. 21610 means the customer replied STOP; 21211, 21614, 21612 and 21408
// mean this number cannot get an SMS from this account.
import { basic, common, jsonOf, send } from "../../outreach/http.ts";
import { asSmsResult } from "./common.ts";
import type { OutgoingSms, SmsDeps, SmsProvider, SmsProviderConfig, SmsResult } from "./types.ts";

type Config = Extract<SmsProviderConfig, { type: "twilio" }>;

const NUMBER_ERRORS = new Set([21211, 21408, 21612, 21614]);
const OPTED_OUT = 21610;

export function twilioSms(config: Config): SmsProvider {
  return {
    name: "twilio",
    async send(sms: OutgoingSms, deps: SmsDeps): Promise<SmsResult> {
      const url = `${config.apiUrl.replace(/\/+$/, "")}/2010-04-01/Accounts/${config.accountSid}/Messages.json`;
      const body = new URLSearchParams({ To: sms.to, From: config.from, Body: sms.text }).toString();
      const sent = await send(
        deps.fetch,
        url,
        { method: "POST", headers: { authorization: basic(config.accountSid, config.authToken), "content-type": "application/x-www-form-urlencoded" }, body },
        deps.signal,
      );
      if (!sent.ok) return asSmsResult(sent.result);
      const known = common(sent.res);
      if (known) return asSmsResult(known);
      const answer = (await jsonOf(sent.res)) as { sid?: unknown; code?: unknown } | null;
      if (sent.res.ok) return { kind: "sent", reference: typeof answer?.sid === "string" ? answer.sid : null };
      const code = typeof answer?.code === "number" ? answer.code : undefined;
      if (code === OPTED_OUT) return { kind: "opted_out", code: `twilio_${code}` };
      if (code !== undefined && NUMBER_ERRORS.has(code)) return { kind: "number_refused", code: `twilio_${code}` };
      return { kind: "refused", code: `twilio_${code ?? sent.res.status}` };
    },
  };
}
