// Talkdesk: POST /calls/callback with the account's Talkdesk number and the visitor's,
// after OAuth client credentials with the scope callback:write.
import { clientCredentials, common, jsonOf, postWithToken } from "../../outreach/http.ts";
import type { CallbackProvider, CallbackRequest, ProviderConfig, ProviderDeps, ProviderResult } from "./types.ts";

type Config = Extract<ProviderConfig, { type: "talkdesk" }>;

export function talkdeskProvider(config: Config): CallbackProvider {
  const login = (fetcher: typeof fetch) => () => clientCredentials(fetcher, config.tokenUrl, config.clientId, config.clientSecret, { scope: "callback:write" });
  return {
    name: "talkdesk",
    idempotent: false,
    async request(req: CallbackRequest, deps: ProviderDeps): Promise<ProviderResult> {
      const fields = [
        { name: "escalation_id", value: req.escalationId },
        ...(req.conversationId ? [{ name: "iadvize_conversation_id", value: req.conversationId }] : []),
        ...(req.reason ? [{ name: "reason", value: req.reason }] : []),
      ];
      const body = JSON.stringify({ talkdesk_phone_number: config.talkdeskPhoneNumber, contact_phone_number: req.phone, context: { fields } });
      const sent = await postWithToken(deps, `${config.apiUrl.replace(/\/+$/, "")}/calls/callback`, body, login(deps.fetch));
      if (!sent.ok) return sent.result;
      const known = common(sent.res);
      if (known) return known;
      const answer = (await jsonOf(sent.res)) as { id?: unknown; callback_id?: unknown; code?: unknown; fields?: { name?: unknown }[] } | null;
      if (sent.res.ok) {
        const reference = answer?.callback_id ?? answer?.id;
        return { kind: "scheduled", reference: typeof reference === "string" ? reference : null };
      }
      const aboutNumber = answer?.fields?.some((f) => f.name === "contact_phone_number");
      const code = typeof answer?.code === "string" ? answer.code : `http_${sent.res.status}`;
      return aboutNumber ? { kind: "number_refused", code } : { kind: "refused", code };
    },
  };
}
