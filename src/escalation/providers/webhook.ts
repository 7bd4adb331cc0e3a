// A generic signed JSON webhook, for any platform the customer runs: POST to their URL,
// `x-connector-signature: sha256=<hex HMAC-SHA256 of the raw body>`, and an
// Idempotency-Key (the escalation id) so that a repeated request makes no second call.
// 2xx: scheduled (a `reference` in the JSON answer is kept); 422: the number is refused.
import { isIdempotent } from "./idempotence.ts";
import { common, jsonOf } from "../../outreach/http.ts";
import { signedPost } from "../../outreach/signed.ts";
import type { CallbackProvider, CallbackRequest, ProviderConfig, ProviderDeps, ProviderResult } from "./types.ts";

type Config = Extract<ProviderConfig, { type: "webhook" }>;

export function webhookProvider(config: Config): CallbackProvider {
  return {
    name: "webhook",
    idempotent: isIdempotent("webhook"),
    extensions: true,
    async request(req: CallbackRequest, deps: ProviderDeps): Promise<ProviderResult> {
      const body = JSON.stringify({
        type: "callback.requested",
        id: req.escalationId,
        tenantId: req.tenantId,
        phone: req.phone,
        extension: req.extension ?? null,
        visitorName: req.visitorName ?? null,
        reason: req.reason ?? null,
        preferredTime: req.preferredTime ?? null,
        language: req.language,
        conversationId: req.conversationId ?? null,
      });
      const sent = await signedPost(deps.fetch, deps.signal, config.url, config.secret, body, req.escalationId);
      if (!sent.ok) return sent.result;
      const known = common(sent.res);
      if (known) return known;
      if (sent.res.ok) {
        const answer = (await jsonOf(sent.res)) as { reference?: unknown } | null;
        return { kind: "scheduled", reference: typeof answer?.reference === "string" ? answer.reference.slice(0, 255) : null };
      }
      return sent.res.status === 422 ? { kind: "number_refused", code: "http_422" } : { kind: "refused", code: `http_${sent.res.status}` };
    },
  };
}
