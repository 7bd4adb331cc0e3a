// Twilio: POST /2010-04-01/Accounts/{Sid}/Calls.json (To, From, Url) with Basic SID:token.
// Errors 21211, 21214, 21216 and 21217 say the number cannot be called; 21215 (geographic
// permissions) and 21219 (a trial account's unverified number) are account settings. An
// extension is dialled once the line answers (SendDigits, after a one-second wait).
import { basic, common, jsonOf, MISCONFIGURED, send } from "../../outreach/http.ts";
import type { CallbackProvider, CallbackRequest, ProviderConfig, ProviderDeps, ProviderResult } from "./types.ts";

type Config = Extract<ProviderConfig, { type: "twilio" }>;

const NUMBER_ERRORS = new Set([21211, 21214, 21216, 21217]);
const ACCOUNT_ERRORS = new Set([21215, 21219]);

export function twilioProvider(config: Config): CallbackProvider {
  return {
    name: "twilio",
    idempotent: false,
    extensions: true,
    async request(req: CallbackRequest, deps: ProviderDeps): Promise<ProviderResult> {
      const url = `${config.apiUrl.replace(/\/+$/, "")}/2010-04-01/Accounts/${config.accountSid}/Calls.json`;
      const body = new URLSearchParams({ To: req.phone, From: config.from, Url: config.twimlUrl, ...(req.extension ? { SendDigits: `ww${req.extension}` } : {}) }).toString();
      const sent = await send(
        deps.fetch,
        url,
        { method: "POST", headers: { authorization: basic(config.accountSid, config.authToken), "content-type": "application/x-www-form-urlencoded" }, body },
        deps.signal,
      );
      if (!sent.ok) return sent.result;
      const known = common(sent.res);
      if (known) return known;
      const answer = (await jsonOf(sent.res)) as { sid?: unknown; code?: unknown } | null;
      if (sent.res.ok) return { kind: "scheduled", reference: typeof answer?.sid === "string" ? answer.sid : null };
      const code = typeof answer?.code === "number" ? answer.code : undefined;
      if (code !== undefined && NUMBER_ERRORS.has(code)) return { kind: "number_refused", code: `twilio_${code}` };
      if (code !== undefined && ACCOUNT_ERRORS.has(code)) return MISCONFIGURED;
      return { kind: "refused", code: `twilio_${code ?? sent.res.status}` };
    },
  };
}
