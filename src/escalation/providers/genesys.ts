// Genesys Cloud: POST /api/v2/conversations/callbacks with the queue to route to,
// after OAuth client credentials at the region's login host. A number with an extension
// goes as the normalised address Genesys Cloud documents, tel:+E164;ext=digits.
import { clientCredentials, common, jsonOf, postWithToken } from "../../outreach/http.ts";
import type { CallbackProvider, CallbackRequest, ProviderConfig, ProviderDeps, ProviderResult } from "./types.ts";

type Config = Extract<ProviderConfig, { type: "genesys" }>;

export function genesysProvider(config: Config): CallbackProvider {
  const login = (deps: ProviderDeps) => () => clientCredentials(deps, `${config.loginUrl.replace(/\/+$/, "")}/oauth/token`, config.clientId, config.clientSecret);
  return {
    name: "genesys",
    idempotent: false,
    extensions: true,
    async request(req: CallbackRequest, deps: ProviderDeps): Promise<ProviderResult> {
      const scheduled = req.preferredTime && !Number.isNaN(Date.parse(req.preferredTime)) ? new Date(req.preferredTime).toISOString() : undefined;
      const body = JSON.stringify({
        callbackNumbers: [req.extension ? `tel:${req.phone};ext=${req.extension}` : req.phone],
        routingData: { queueId: config.queueId },
        ...(req.visitorName ? { callbackUserName: req.visitorName } : {}),
        ...(scheduled ? { callbackScheduledTime: scheduled } : {}),
        data: { escalationId: req.escalationId, ...(req.conversationId ? { iadvizeConversationId: req.conversationId } : {}), ...(req.reason ? { reason: req.reason } : {}) },
      });
      const sent = await postWithToken(deps, `${config.apiUrl.replace(/\/+$/, "")}/api/v2/conversations/callbacks`, body, login(deps));
      if (!sent.ok) return sent.result;
      const known = common(sent.res);
      if (known) return known;
      const answer = (await jsonOf(sent.res)) as { conversation?: { id?: unknown }; code?: unknown; message?: unknown } | null;
      if (sent.res.ok) return { kind: "scheduled", reference: typeof answer?.conversation?.id === "string" ? answer.conversation.id : null };
      const code = typeof answer?.code === "string" ? answer.code : `http_${sent.res.status}`;
      return /phone|number/i.test(code) ? { kind: "number_refused", code } : { kind: "refused", code };
    },
  };
}
