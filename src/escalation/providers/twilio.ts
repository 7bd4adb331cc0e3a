// Twilio: POST /2010-04-01/Accounts/{Sid}/Calls.json (To, From, Url) with Basic SID:token.
// Errors 21211, 21214-21217 and 21219 say the number cannot be called.
import { basic, common, jsonOf, send } from "../../outreach/http.ts";
import type { CallbackProvider, CallbackRequest, ProviderConfig, ProviderDeps, ProviderResult } from "./types.ts";

type Config = Extract<ProviderConfig, { type: "twilio" }>;

const NUMBER_ERRORS = new Set([21211, 21214, 21215, 21216, 21217, 21219]);

export function twilioProvider(config: Config): CallbackProvider {
  return {
    name: "twilio",
    idempotent: false,
    async request(req: CallbackRequest, deps: ProviderDeps): Promise<ProviderResult> {
      const url = `${config.apiUrl.replace(/\/+$/, "")}/2010-04-01/Accounts/${config.accountSid}/Calls.json`;
      const body = new URLSearchParams({ To: req.phone, From: config.from, Url: config.twimlUrl }).toString();
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
      return code !== undefined && NUMBER_ERRORS.has(code) ? { kind: "number_refused", code: `twilio_${code}` } : { kind: "refused", code: `twilio_${code ?? sent.res.status}` };
    },
  };
}
