// Twilio's request signature against the known answer from twilio-node's own tests, and
// the URL variants Twilio's libraries accept.
import { describe, expect, it } from "vitest";
import { twilioSignature, verifyTwilioSignature } from "../../src/surveys/inbound/twilio-signature.ts";

const TOKEN = "12345";
const URL_ = "https://mycompany.com/myapp.php?foo=1&bar=2";
const PARAMS: [string, string][] = [["CallSid", "CA1234567890ABCDE"], ["Caller", "+14158675309"], ["Digits", "1234"], ["From", "+14158675309"], ["To", "+18005551212"]];
const KNOWN = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

describe("X-Twilio-Signature", () => {
  it("matches the known answer, whatever the order of the parameters", async () => {
    expect(await twilioSignature(TOKEN, URL_, PARAMS)).toBe(KNOWN);
    expect(await twilioSignature(TOKEN, URL_, [...PARAMS].reverse())).toBe(KNOWN);
    expect(await verifyTwilioSignature(TOKEN, URL_, PARAMS, KNOWN)).toBe(true);
  });

  it("fails for another token, URL, value, or a signature that is not base64 of 20 bytes", async () => {
    expect(await verifyTwilioSignature("54321", URL_, PARAMS, KNOWN)).toBe(false);
    expect(await verifyTwilioSignature(TOKEN, URL_.replace("foo=1", "foo=2"), PARAMS, KNOWN)).toBe(false);
    expect(await verifyTwilioSignature(TOKEN, URL_, [...PARAMS.slice(1), ["CallSid", "CA0"]], KNOWN)).toBe(false);
    expect(await verifyTwilioSignature(TOKEN, URL_, PARAMS, "not base64!")).toBe(false);
    expect(await verifyTwilioSignature(TOKEN, URL_, PARAMS, "AAAA")).toBe(false);
  });

  it("accepts the URL with or without its default port", async () => {
    const withPort = await twilioSignature(TOKEN, "https://mycompany.com:443/myapp.php?foo=1&bar=2", PARAMS);
    expect(await verifyTwilioSignature(TOKEN, URL_, PARAMS, withPort)).toBe(true);
    expect(await verifyTwilioSignature(TOKEN, "https://mycompany.com:443/myapp.php?foo=1&bar=2", PARAMS, KNOWN)).toBe(true);
  });
});
