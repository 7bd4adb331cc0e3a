// Keyed hashes of a phone number, so that D1 can count and match requests without
// holding a number that enumeration could reverse. The same number has the same hash
// in every capability of a tenant. The key is the stored hashing key (hashing-key.ts),
// never ENCRYPTION_KEY itself: rotating that must change no hash.
import { hmacSha256Hex } from "../lib/hmac.ts";

export function numberHash(hashKey: string, tenantId: string, e164: string): Promise<string> {
  return hmacSha256Hex(hashKey, `${tenantId}:phone:${e164}`);
}

/** One request's identity: the number and what it is about (a conversation, a survey…). */
export function requestHash(hashKey: string, tenantId: string, e164: string, scope: string | undefined): Promise<string> {
  return hmacSha256Hex(hashKey, `${tenantId}:idem:${e164}:${scope ?? ""}`);
}

/** A caller's own request id (an IVR's callId): the same id is the same request, whatever the number. */
export function callHash(hashKey: string, tenantId: string, callId: string): Promise<string> {
  return hmacSha256Hex(hashKey, `${tenantId}:call:${callId}`);
}
