// Checks `x-iadvize-signature: sha256=<hex HMAC-SHA256 of the raw body>` against every active secret.
import { AppError } from "../errors.ts";
import { hmacSha256Hex, verifyHmacSha256Hex } from "../lib/hmac.ts";

const PREFIX = "sha256=";

export async function verifySignature(
  secrets: readonly string[],
  raw: Uint8Array<ArrayBuffer>,
  header: string | undefined,
): Promise<void> {
  if (!header) throw new AppError("invalid_signature", "The x-iadvize-signature header is missing.");
  const valid =
    header.startsWith(PREFIX) && (await verifyHmacSha256Hex(secrets, raw, header.slice(PREFIX.length)));
  if (!valid) throw new AppError("invalid_signature", "The x-iadvize-signature header does not match the body.");
}

/** The header value iAdvize would send for `body`; used by tests and the emulator. */
export async function signatureFor(secret: string, body: string | Uint8Array<ArrayBuffer>): Promise<string> {
  return PREFIX + (await hmacSha256Hex(secret, body));
}
