// HMAC-SHA256 signatures as hex, with verification in constant time (WebCrypto verify).

const encoder = new TextEncoder();

// Imported keys are kept per isolate: the same few secrets sign every request.
const keys = new Map<string, Promise<CryptoKey>>();

function importKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = importRawKey(secret);
    keys.set(secret, key);
  }
  return key;
}

function importRawKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = "";
  for (const b of view) out += b.toString(16).padStart(2, "0");
  return out;
}

/** Lowercase hex digest, or undefined when the string is not even-length hex. */
export function fromHex(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export async function hmacSha256Hex(secret: string, data: string | Uint8Array<ArrayBuffer>): Promise<string> {
  const key = await importKey(secret);
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  return toHex(await crypto.subtle.sign("HMAC", key, bytes));
}

/**
 * True when `hexDigest` is the HMAC-SHA256 of `data` under one of `secrets`.
 * Every secret is tried, so the time taken does not tell which one matched.
 */
export async function verifyHmacSha256Hex(
  secrets: readonly string[],
  data: Uint8Array<ArrayBuffer>,
  hexDigest: string,
): Promise<boolean> {
  const signature = fromHex(hexDigest);
  if (!signature || signature.length !== 32) return false;
  const results = await Promise.all(
    secrets.map(async (secret) => crypto.subtle.verify("HMAC", await importKey(secret), signature, data)),
  );
  return results.some(Boolean);
}
