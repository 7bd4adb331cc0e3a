// Secrets at rest: AES-256-GCM with WebCrypto, the tenant id as associated data so a
// ciphertext cannot be moved to another tenant. Several keys allow rotation: the
// first encrypts, any decrypts.

const VERSION = "v1";
const keyCache = new Map<string, Promise<CryptoKey>>();

function aesKey(base64: string): Promise<CryptoKey> {
  let key = keyCache.get(base64);
  if (!key) {
    const raw = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
    key = crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
    keyCache.set(base64, key);
  }
  return key;
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(s: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
}

export async function encrypt(keys: readonly string[], plaintext: string, context: string): Promise<string> {
  const [current] = keys;
  if (!current) throw new Error("no encryption key");
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(context) },
    await aesKey(current),
    new TextEncoder().encode(plaintext),
  );
  return `${VERSION}.${toBase64(iv)}.${toBase64(new Uint8Array(data))}`;
}

export class DecryptionError extends Error {
  override name = "DecryptionError";
}

export async function decrypt(keys: readonly string[], sealed: string, context: string): Promise<string> {
  const [version, iv, data] = sealed.split(".");
  if (version !== VERSION || !iv || !data) throw new DecryptionError("unknown ciphertext format");
  for (const key of keys) {
    try {
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: fromBase64(iv), additionalData: new TextEncoder().encode(context) },
        await aesKey(key),
        fromBase64(data),
      );
      return new TextDecoder().decode(plain);
    } catch {
      // Not this key: try the next one.
    }
  }
  throw new DecryptionError("no ENCRYPTION_KEY opens this secret");
}
