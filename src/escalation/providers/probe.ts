// Checks a provider's settings without placing a call: an OAuth client-credentials grant
// (Genesys, Talkdesk), the account resource (Twilio), the user resource (Aircall), or a
// signed `{"type":"ping"}` the generic webhook may answer with any 2xx.
import { hmacSha256Hex } from "../../lib/hmac.ts";
import { basic } from "../../outreach/http.ts";
import type { ProviderConfig } from "./types.ts";

export type ProbeResult =
  | { ok: true; detail: string }
  /** `setting` names what to correct; never a value. */
  | { ok: false; code: string; detail: string; setting: string };

const trim = (url: string) => url.replace(/\/+$/, "");

async function tokenGrant(fetcher: typeof fetch, signal: AbortSignal, url: string, clientId: string, clientSecret: string, extra: Record<string, string> = {}) {
  return fetcher(url, {
    method: "POST",
    headers: { authorization: basic(clientId, clientSecret), "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({ grant_type: "client_credentials", ...extra }).toString(),
    signal,
  });
}

function refused(res: Response, setting: string, what: string): ProbeResult {
  if (res.status === 401 || res.status === 403 || res.status === 400) return { ok: false, code: "credentials_refused", detail: `${what} refused the credentials (HTTP ${res.status})`, setting };
  return { ok: false, code: `http_${res.status}`, detail: `${what} answered HTTP ${res.status}`, setting };
}

export async function probeProvider(config: ProviderConfig, tenantId: string, fetcher: typeof fetch, signal: AbortSignal): Promise<ProbeResult> {
  switch (config.type) {
    case "webhook": {
      const body = JSON.stringify({ type: "ping", tenantId });
      const res = await fetcher(config.url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-connector-signature": `sha256=${await hmacSha256Hex(config.secret, body)}` },
        body,
        signal,
      });
      await res.body?.cancel();
      if (res.ok) return { ok: true, detail: `the webhook accepted a signed ping (HTTP ${res.status})` };
      if (res.status === 401 || res.status === 403) return { ok: false, code: "signature_refused", detail: `the webhook refused the signed ping (HTTP ${res.status})`, setting: "escalation.provider.secret" };
      return { ok: false, code: `http_${res.status}`, detail: `the webhook answered the signed ping with HTTP ${res.status}`, setting: "escalation.provider.url" };
    }
    case "genesys": {
      const res = await tokenGrant(fetcher, signal, `${trim(config.loginUrl)}/oauth/token`, config.clientId, config.clientSecret);
      await res.body?.cancel();
      return res.ok ? { ok: true, detail: "Genesys Cloud granted a client-credentials token" } : refused(res, "escalation.provider.clientId, escalation.provider.clientSecret, escalation.provider.loginUrl", "Genesys Cloud");
    }
    case "talkdesk": {
      const res = await tokenGrant(fetcher, signal, config.tokenUrl, config.clientId, config.clientSecret, { scope: "callback:write" });
      await res.body?.cancel();
      return res.ok ? { ok: true, detail: "Talkdesk granted a token with the scope callback:write" } : refused(res, "escalation.provider.clientId, escalation.provider.clientSecret, escalation.provider.tokenUrl", "Talkdesk");
    }
    case "twilio": {
      const res = await fetcher(`${trim(config.apiUrl)}/2010-04-01/Accounts/${config.accountSid}.json`, { headers: { authorization: basic(config.accountSid, config.authToken), accept: "application/json" }, signal });
      if (!res.ok) {
        await res.body?.cancel();
        return refused(res, "escalation.provider.accountSid, escalation.provider.authToken", "Twilio");
      }
      const status = ((await res.json().catch(() => null)) as { status?: unknown } | null)?.status;
      return status === "active" ? { ok: true, detail: "the Twilio account is active" } : { ok: false, code: "account_not_active", detail: `the Twilio account is ${typeof status === "string" ? status : "in an unknown state"}`, setting: "escalation.provider.accountSid" };
    }
    case "aircall": {
      const res = await fetcher(`${trim(config.apiUrl)}/v1/users/${config.userId}`, { headers: { authorization: basic(config.apiId, config.apiToken), accept: "application/json" }, signal });
      await res.body?.cancel();
      if (res.ok) return { ok: true, detail: `Aircall knows the user ${config.userId}` };
      if (res.status === 404) return { ok: false, code: "user_not_found", detail: `Aircall has no user ${config.userId}`, setting: "escalation.provider.userId" };
      return refused(res, "escalation.provider.apiId, escalation.provider.apiToken", "Aircall");
    }
  }
}
