// The JWT bearer key: a PKCS#8 RSA private key in PEM, imported with WebCrypto for RS256.

function pemBody(pem: string): Uint8Array<ArrayBuffer> {
  const base64 = pem.replace(/-----(BEGIN|END)[^-]*-----/g, "").replace(/\s+/g, "");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** The signing key, or undefined when the text is not a PKCS#8 RSA key in PEM. */
export async function importPrivateKey(pem: string): Promise<CryptoKey | undefined> {
  try {
    return await crypto.subtle.importKey("pkcs8", pemBody(pem), { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
  } catch {
    return undefined;
  }
}
