// A generic signed JSON webhook for any SMS platform: POST to the customer's URL
// {type: "sms.send", id, sessionId, to, from, text}, signed
// `x-connector-signature: sha256=<hex HMAC-SHA256 of the body>`, Idempotency-Key = id.
// 2xx: sent (`reference` kept); 422: the number cannot get SMS, or
// {"reason": "opted_out"}: the customer unsubscribed.
import { common, jsonOf, send } from "../../outreach/http.ts";
import { hmacSha256Hex } from "../../lib/hmac.ts";
import { asSmsResult } from "./common.ts";
import type { OutgoingSms, SmsDeps, SmsProvider, SmsProviderConfig, SmsResult } from "./types.ts";

type Config = Extract<SmsProviderConfig, { type: "webhook" }>;

export function webhookSms(config: Config): SmsProvider {
  return {
    name: "webhook",
    async send(sms: OutgoingSms, deps: SmsDeps): Promise<SmsResult> {
      const body = JSON.stringify({ type: "sms.send", id: sms.id, sessionId: sms.sessionId, to: sms.to, from: config.from, text: sms.text });
      const sent = await send(
        deps.fetch,
        config.url,
        {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": sms.id, "x-connector-signature": `sha256=${await hmacSha256Hex(config.secret, body)}` },
          body,
        },
        deps.signal,
      );
      if (!sent.ok) return asSmsResult(sent.result);
      const known = common(sent.res);
      if (known) return asSmsResult(known);
      const answer = (await jsonOf(sent.res)) as { reference?: unknown; reason?: unknown } | null;
      if (sent.res.ok) return { kind: "sent", reference: typeof answer?.reference === "string" ? answer.reference.slice(0, 255) : null };
      if (sent.res.status === 422) return answer?.reason === "opted_out" ? { kind: "opted_out", code: "http_422_opted_out" } : { kind: "number_refused", code: "http_422" };
      return { kind: "refused", code: `http_${sent.res.status}` };
    },
  };
}
