// Aircall: POST /v1/users/{id}/calls {number_id, to} with Basic api_id:api_token; 204 when
// the call is started on the agent's phone. It dials `to` only: no extension.
import { basic, common, jsonOf, send } from "../../outreach/http.ts";
import type { CallbackProvider, CallbackRequest, ProviderConfig, ProviderDeps, ProviderResult } from "./types.ts";

type Config = Extract<ProviderConfig, { type: "aircall" }>;

export function aircallProvider(config: Config): CallbackProvider {
  return {
    name: "aircall",
    idempotent: false,
    extensions: false,
    async request(req: CallbackRequest, deps: ProviderDeps): Promise<ProviderResult> {
      const sent = await send(
        deps.fetch,
        `${config.apiUrl.replace(/\/+$/, "")}/v1/users/${config.userId}/calls`,
        {
          method: "POST",
          headers: { authorization: basic(config.apiId, config.apiToken), "content-type": "application/json" },
          body: JSON.stringify({ number_id: config.numberId, to: req.phone }),
        },
        deps.signal,
      );
      if (!sent.ok) return sent.result;
      const known = common(sent.res);
      if (known) return known;
      if (sent.res.ok) return { kind: "scheduled", reference: null };
      const answer = (await jsonOf(sent.res)) as { troubleshoot?: unknown; error?: unknown } | null;
      const text = `${String(answer?.error ?? "")} ${String(answer?.troubleshoot ?? "")}`;
      return sent.res.status === 400 && /number|to\b/i.test(text) ? { kind: "number_refused", code: "http_400" } : { kind: "refused", code: `http_${sent.res.status}` };
    },
  };
}
