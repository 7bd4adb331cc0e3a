// Secrets at rest: AES-GCM bound to the tenant, readable across a key rotation.
import { describe, expect, it } from "vitest";
import { DecryptionError, decrypt, encrypt } from "../../src/secrets/cipher.ts";

const KEY_A = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));
const KEY_B = btoa(String.fromCharCode(...new Uint8Array(32).fill(9)));

describe("cipher", () => {
  it("round-trips and never shows the plaintext", async () => {
    const sealed = await encrypt([KEY_A], "s3cret-value", "ha-1");
    expect(sealed).not.toContain("s3cret");
    expect(await decrypt([KEY_A], sealed, "ha-1")).toBe("s3cret-value");
  });

  it("uses a fresh IV each time", async () => {
    expect(await encrypt([KEY_A], "x", "ha-1")).not.toBe(await encrypt([KEY_A], "x", "ha-1"));
  });

  it("refuses a ciphertext moved to another tenant", async () => {
    const sealed = await encrypt([KEY_A], "x", "ha-1");
    await expect(decrypt([KEY_A], sealed, "ha-2")).rejects.toBeInstanceOf(DecryptionError);
  });

  it("reads secrets sealed with the previous key after a rotation", async () => {
    const sealed = await encrypt([KEY_A], "x", "ha-1");
    expect(await decrypt([KEY_B, KEY_A], sealed, "ha-1")).toBe("x");
    await expect(decrypt([KEY_B], sealed, "ha-1")).rejects.toBeInstanceOf(DecryptionError);
  });

  it("refuses a tampered or malformed ciphertext", async () => {
    const sealed = await encrypt([KEY_A], "x", "ha-1");
    const tampered = sealed.slice(0, -4) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA");
    await expect(decrypt([KEY_A], tampered, "ha-1")).rejects.toBeInstanceOf(DecryptionError);
    await expect(decrypt([KEY_A], "garbage", "ha-1")).rejects.toBeInstanceOf(DecryptionError);
  });
});
