// The signed JSON POST every generic integration receives (the escalation webhook, the
// messaging webhook, a customer's Genesys DMS gateway): `x-connector-signature:
// sha256=<hex HMAC-SHA256 of the raw body>` and an Idempotency-Key, so that a repeat
// acts once on the receiver's side.
import { hmacSha256Hex } from "../lib/hmac.ts";
import { send } from "./http.ts";
import type { Sent } from "./http.ts";

export async function signedPost(fetcher: typeof fetch, signal: AbortSignal, url: string, secret: string, body: string, idempotencyKey: string): Promise<Sent> {
  return send(
    fetcher,
    url,
    {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "idempotency-key": idempotencyKey,
        "x-connector-signature": `sha256=${await hmacSha256Hex(secret, body)}`,
      },
      body,
    },
    signal,
  );
}
