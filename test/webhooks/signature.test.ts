// The webhook signature against a fixed known-answer vector (RFC 4231, test case 2), so a
// change of algorithm, key encoding or hex formatting cannot pass unnoticed.
import { describe, expect, it } from "vitest";
import { signatureFor, verifySignature } from "../../src/webhooks/signature.ts";

const KEY = "Jefe";
const bytes = (text: string) => new Uint8Array(new TextEncoder().encode(text));
const BODY = bytes("what do ya want for nothing?");
const EXPECTED = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

describe("webhook signature: known answer", () => {
  it("signs the RFC 4231 vector to its published HMAC-SHA256", async () => {
    expect(await signatureFor(KEY, BODY)).toBe(EXPECTED);
  });

  it("accepts the published signature, in upper-case hex too, with any of the secrets", async () => {
    await expect(verifySignature(["other-secret", KEY], BODY, EXPECTED)).resolves.toBeUndefined();
    await expect(verifySignature([KEY], BODY, `sha256=${EXPECTED.slice(7).toUpperCase()}`)).resolves.toBeUndefined();
  });

  it("refuses it for one changed byte of the body or of the signature", async () => {
    const changed = bytes("what do ya want for nothing!");
    await expect(verifySignature([KEY], changed, EXPECTED)).rejects.toMatchObject({ code: "invalid_signature" });
    await expect(verifySignature([KEY], BODY, `${EXPECTED.slice(0, -1)}4`)).rejects.toMatchObject({ code: "invalid_signature" });
  });
});
