// Twilio's request signature (X-Twilio-Signature): base64 of the HMAC-SHA1, keyed with
// the account's auth token, of the full URL followed by each POST parameter's name and
// value, sorted by name. Checked with WebCrypto verify, in constant time; the URL is
// tried with and without its default port, as Twilio's own libraries do.

const encoder = new TextEncoder();

function hmacKey(authToken: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(authToken), { name: "HMAC", hash: "SHA-1" }, false, [usage]);
}

/** The string Twilio signs. */
export function signedMaterial(url: string, params: readonly (readonly [string, string])[]): string {
  const sorted = [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return url + sorted.map(([k, v]) => k + v).join("");
}

export async function twilioSignature(authToken: string, url: string, params: readonly (readonly [string, string])[]): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(authToken, "sign"), encoder.encode(signedMaterial(url, params)));
  let s = "";
  for (const b of new Uint8Array(mac)) s += String.fromCharCode(b);
  return btoa(s);
}

function urlVariants(url: string): string[] {
  // Parsed by hand: the URL class drops a default port, which is exactly what differs here.
  const m = /^(https?):\/\/([^/?#:]+)(?::(\d+))?(.*)$/i.exec(url);
  if (!m) return [url];
  const [, scheme = "", host = "", port, rest = ""] = m;
  const defaultPort = scheme.toLowerCase() === "https" ? "443" : "80";
  if (port === undefined) return [url, `${scheme}://${host}:${defaultPort}${rest}`];
  return port === defaultPort ? [url, `${scheme}://${host}${rest}`] : [url];
}

function fromBase64(s: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    return Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
  } catch {
    return undefined;
  }
}

export async function verifyTwilioSignature(authToken: string, url: string, params: readonly (readonly [string, string])[], signature: string): Promise<boolean> {
  const given = fromBase64(signature.trim());
  if (!given || given.length !== 20) return false;
  const key = await hmacKey(authToken, "verify");
  const results = await Promise.all(urlVariants(url).map((u) => crypto.subtle.verify("HMAC", key, given, encoder.encode(signedMaterial(u, params)))));
  return results.some(Boolean);
}
