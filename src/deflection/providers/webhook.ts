// The generic signed webhook, for any other messaging platform: POST to the customer's URL
// {type: "deflection.requested", id, tenantId, phone, mode, channels (in precedence),
// texts {notify, system, imported}, reason, topic, language, conversationFields,
// customerFields}, signed and with the deflection id as Idempotency-Key (outreach/signed.ts).
// 2xx: sent (`reference` and `channel` read from the JSON answer); 422: no channel reaches
// the number.
import { common, jsonOf } from "../../outreach/http.ts";
import { signedPost } from "../../outreach/signed.ts";
import { PLATFORMS } from "../config.ts";
import type { Platform } from "../config.ts";
import type { MessageRequest, MessagingProvider, ProviderConfig, ProviderDeps, ProviderResult } from "./types.ts";

type Config = Extract<ProviderConfig, { type: "webhook" }>;

const isPlatform = (v: unknown): v is Platform => typeof v === "string" && (PLATFORMS as readonly string[]).includes(v);

export function webhookProvider(config: Config): MessagingProvider {
  return {
    name: "webhook",
    idempotent: true,
    async send(req: MessageRequest, deps: ProviderDeps): Promise<ProviderResult> {
      const body = JSON.stringify({
        type: "deflection.requested",
        id: req.deflectionId,
        tenantId: req.tenantId,
        phone: req.phone,
        mode: req.mode,
        channels: req.channels,
        texts: req.texts,
        reason: req.reason ?? null,
        topic: req.topic ?? null,
        language: req.language,
        conversationFields: req.conversationFields,
        customerFields: req.customerFields,
      });
      const sent = await signedPost(deps.fetch, deps.signal, config.url, config.secret, body, req.deflectionId);
      if (!sent.ok) return sent.result;
      const known = common(sent.res);
      if (known) return known;
      if (sent.res.ok) {
        const answer = (await jsonOf(sent.res)) as { reference?: unknown; channel?: unknown } | null;
        return { kind: "sent", channel: isPlatform(answer?.channel) ? answer.channel : null, reference: typeof answer?.reference === "string" ? answer.reference.slice(0, 255) : null };
      }
      return sent.res.status === 422 ? { kind: "unreachable", code: "http_422" } : { kind: "refused", code: `http_${sent.res.status}` };
    },
  };
}
