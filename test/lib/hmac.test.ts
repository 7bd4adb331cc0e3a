// The per-isolate cache of imported HMAC keys is keyed by the secret: a rotated secret never
// verifies or signs with the key of the one before it.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index.ts";
import { hmacSha256Hex, verifyHmacSha256Hex } from "../../src/lib/hmac.ts";
import { signatureFor } from "../../src/webhooks/signature.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { WEBHOOK_SECRET } from "../helpers/secrets.ts";
import { BASE, fresh, sendEvent } from "../helpers/webhook.ts";

const bytes = (text: string) => new Uint8Array(new TextEncoder().encode(text));

describe("HMAC key cache", () => {
  it("signs and verifies with each secret's own key, whichever was imported first", async () => {
    const data = bytes("the same body");
    const a = await hmacSha256Hex("secret-before-rotation", data);
    const b = await hmacSha256Hex("secret-after-rotation", data);
    expect(a).not.toBe(b);
    expect(await verifyHmacSha256Hex(["secret-after-rotation"], data, a)).toBe(false);
    expect(await verifyHmacSha256Hex(["secret-after-rotation"], data, b)).toBe(true);
    expect(await verifyHmacSha256Hex(["secret-before-rotation"], data, a)).toBe(true);
  });

  it("after a rotation, the intake refuses the secret it no longer lists and accepts the new one", async () => {
    // The current secret's key is imported and cached by this delivery.
    expect((await sendEvent(fresh(fixtures.conversationClosed))).status).toBe(200);
    const rotated = { ...env, IADVIZE_WEBHOOK_SECRET: "whsec-rotated-in-3c9d11" };
    const deliver = async (secret: string) => {
      const body = JSON.stringify(fresh(fixtures.conversationClosed));
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request(`${BASE}/webhooks/iadvize`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-iadvize-signature": await signatureFor(secret, body) },
          body,
        }),
        rotated,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res.status;
    };
    expect(await deliver(WEBHOOK_SECRET)).toBe(401);
    expect(await deliver("whsec-rotated-in-3c9d11")).toBe(200);
  });
});
