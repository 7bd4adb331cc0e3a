// Talkdesk: POST /calls/callback with the account's Talkdesk number and the visitor's,
// after OAuth client credentials with the scope callback:write. Context fields in the
// shape of Talkdesk's own samples; the API takes no extension.
import { clientCredentials, common, jsonOf, postWithToken } from "../../outreach/http.ts";
import type { CallbackProvider, CallbackRequest, ProviderConfig, ProviderDeps, ProviderResult } from "./types.ts";

type Config = Extract<ProviderConfig, { type: "talkdesk" }>;

const field = (name: string, displayName: string, tooltip: string, value: string) => ({ name, display_name: displayName, tooltip_text: tooltip, data_type: "text", value });

export function talkdeskProvider(config: Config): CallbackProvider {
  const login = (deps: ProviderDeps) => () => clientCredentials(deps, config.tokenUrl, config.clientId, config.clientSecret, { scope: "callback:write" });
  return {
    name: "talkdesk",
    idempotent: false,
    extensions: false,
    async request(req: CallbackRequest, deps: ProviderDeps): Promise<ProviderResult> {
      const fields = [
        field("escalation_id", "Escalation", "The connector's id of this callback request", req.escalationId),
        ...(req.conversationId ? [field("iadvize_conversation_id", "iAdvize conversation", "The chat this callback comes from", req.conversationId)] : []),
        ...(req.visitorName ? [field("visitor_name", "Name", "The name the visitor gave", req.visitorName)] : []),
        ...(req.reason ? [field("reason", "Reason", "What the visitor wants to talk about", req.reason)] : []),
      ];
      const body = JSON.stringify({ talkdesk_phone_number: config.talkdeskPhoneNumber, contact_phone_number: req.phone, context: { fields } });
      const sent = await postWithToken(deps, `${config.apiUrl.replace(/\/+$/, "")}/calls/callback`, body, login(deps));
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
