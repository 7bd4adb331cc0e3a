// Session variables (the seed's userSessionVariables): the standard keys that identify a
// contact-centre session are kept in clear for reports; every other key (an email, a
// phone, a custom key that may hold anything) is sealed with the number.

/** Standard keys with no personal data, by their lowercase name. */
const CLEAR = new Map(["consumerChannel", "consumerSession", "queueKey", "agentId", "userGroupId", "systemCountry"].map((k) => [k.toLowerCase(), k]));

export function splitVariables(list: readonly { key: string; value: string }[]): { clear: Record<string, string>; sealed: Record<string, string> } {
  const clear: Record<string, string> = {};
  const sealed: Record<string, string> = {};
  for (const { key, value } of list) {
    const standard = CLEAR.get(key.toLowerCase());
    if (standard) clear[standard] = value;
    else sealed[key] = value;
  }
  return { clear, sealed };
}
