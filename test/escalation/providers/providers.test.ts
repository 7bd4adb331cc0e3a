// Each call-centre provider against its emulated platform: auth, the request it
// documents, a scheduled callback, a refused number, an outage.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { providerFor } from "../../../src/escalation/providers/index.ts";
import type { CallbackRequest, ProviderConfig, ProviderDeps } from "../../../src/escalation/providers/types.ts";
import { account, received } from "../../helpers/escalation.ts";

const cc = () => env.TEST_CALLCENTRE_URL;
const req = (phone = "+33612345678"): CallbackRequest => ({
  escalationId: crypto.randomUUID(),
  tenantId: "ha-1",
  phone,
  visitorName: "Jane",
  reason: "test drive",
  preferredTime: "2026-11-21T15:00:00Z",
  language: "fr",
  conversationId: "conv-1",
});

let tokenLogins = 0;
function deps(timeoutMs = 5000): ProviderDeps {
  let cached: string | undefined;
  return {
    fetch: (i, init) => fetch(i, init),
    signal: AbortSignal.timeout(timeoutMs),
    token: async (login, rejected) => {
      if (!cached || cached === rejected) {
        tokenLogins++;
        cached = (await login()).token;
      }
      return cached;
    },
  };
}

interface Case {
  name: string;
  setup: (acct: string) => Promise<ProviderConfig>;
  check: (call: { body: Record<string, unknown> }, r: CallbackRequest) => void;
}

const cases: Case[] = [
  {
    name: "webhook",
    setup: async (acct) => {
      await account(acct, { secret: "s3cret" });
      return { type: "webhook", url: `${cc()}/webhook/${acct}`, secret: "s3cret" };
    },
    check: (call, r) => expect(call.body).toMatchObject({ id: r.escalationId, phone: r.phone, visitorName: "Jane" }),
  },
  {
    name: "genesys",
    setup: async (acct) => {
      await account(acct, { secret: "gen-secret" });
      return { type: "genesys", apiUrl: `${cc()}/genesys`, loginUrl: `${cc()}/genesys`, clientId: acct, clientSecret: "gen-secret", queueId: "queue-42" };
    },
    check: (call, r) =>
      expect(call.body).toMatchObject({
        callbackNumbers: [r.phone],
        routingData: { queueId: "queue-42" },
        callbackUserName: "Jane",
        callbackScheduledTime: "2026-11-21T15:00:00.000Z",
        data: { escalationId: r.escalationId, iadvizeConversationId: "conv-1" },
      }),
  },
  {
    name: "twilio",
    setup: async () => {
      const sid = `AC${crypto.randomUUID().replaceAll("-", "")}`;
      await account(sid, { secret: "tw-token" });
      return { type: "twilio", apiUrl: `${cc()}/twilio`, accountSid: sid, authToken: "tw-token", from: "+33987654321", twimlUrl: "https://acme.example/twiml/connect" };
    },
    check: (call, r) => expect(call.body).toMatchObject({ To: r.phone, From: "+33987654321", Url: "https://acme.example/twiml/connect" }),
  },
  {
    name: "talkdesk",
    setup: async (acct) => {
      await account(acct, { secret: "td-secret" });
      return { type: "talkdesk", apiUrl: `${cc()}/talkdesk`, tokenUrl: `${cc()}/talkdesk/oauth/token`, clientId: acct, clientSecret: "td-secret", talkdeskPhoneNumber: "+33100000000" };
    },
    check: (call, r) =>
      expect(call.body).toMatchObject({
        talkdesk_phone_number: "+33100000000",
        contact_phone_number: r.phone,
        context: { fields: expect.arrayContaining([{ name: "escalation_id", display_name: "Escalation", tooltip_text: expect.any(String), data_type: "text", value: r.escalationId }]) },
      }),
  },
  {
    name: "aircall",
    setup: async (acct) => {
      await account(acct, { secret: "ac-token" });
      return { type: "aircall", apiUrl: `${cc()}/aircall`, apiId: acct, apiToken: "ac-token", userId: 123, numberId: 456 };
    },
    check: (call, r) => expect(call.body).toMatchObject({ number_id: 456, to: r.phone, userId: 123 }),
  },
];

const accountOf = (config: ProviderConfig, acct: string) => (config.type === "twilio" ? config.accountSid : acct);

describe.each(cases)("$name", ({ name, setup, check }) => {
  it("schedules a callback with the request its platform documents", async () => {
    const acct = `${name}-${crypto.randomUUID().slice(0, 8)}`;
    const config = await setup(acct);
    const r = req();
    const result = await providerFor(config).request(r, deps());
    expect(result.kind).toBe("scheduled");
    const calls = await received(accountOf(config, acct));
    expect(calls).toHaveLength(1);
    check(calls[0] as { body: Record<string, unknown> }, r);
    if (name !== "aircall") expect(result).toEqual({ kind: "scheduled", reference: calls[0]?.reference });
  });

  it("reports the platform's refusal of the number", async () => {
    const acct = `${name}-${crypto.randomUUID().slice(0, 8)}`;
    const config = await setup(acct);
    await account(accountOf(config, acct), { refuseNumbers: ["+33600000000"] });
    expect((await providerFor(config).request(req("+33600000000"), deps())).kind).toBe("number_refused");
  });

  it("reports an outage as transient, and wrong credentials as a refusal", async () => {
    const acct = `${name}-${crypto.randomUUID().slice(0, 8)}`;
    const config = await setup(acct);
    await account(accountOf(config, acct), { fail5xx: 1 });
    expect(await providerFor(config).request(req(), deps())).toEqual({ kind: "transient", code: "http_503" });
    const wrong = { ...config, ...("secret" in config ? { secret: "wrong" } : {}), ...("clientSecret" in config ? { clientSecret: "wrong" } : {}), ...("authToken" in config ? { authToken: "wrong" } : {}), ...("apiToken" in config ? { apiToken: "wrong" } : {}) } as ProviderConfig;
    // At the token endpoint for the OAuth platforms, at the API for the others: an admin's problem, not retried.
    expect(await providerFor(wrong).request(req(), deps())).toEqual({ kind: "refused", code: "provider_auth_failed" });
  });

  it("calls a timed-out request ambiguous", async () => {
    const acct = `${name}-${crypto.randomUUID().slice(0, 8)}`;
    const config = await setup(acct);
    const d = deps(); // log in first, so that only the callback request is slow
    if (name === "genesys" || name === "talkdesk") await providerFor(config).request(req("+33611111111"), d);
    await account(accountOf(config, acct), { delayMs: 800 });
    expect(await providerFor(config).request(req(), { ...d, signal: AbortSignal.timeout(200) })).toEqual({ kind: "ambiguous", code: "timeout" });
    await account(accountOf(config, acct), { delayMs: 0 });
  });
});

describe("the generic webhook", () => {
  it("signs the body with HMAC-SHA256 and sends an Idempotency-Key, so a repeat makes one callback", async () => {
    const acct = `webhook-${crypto.randomUUID().slice(0, 8)}`;
    await account(acct, { secret: "s3cret" });
    const provider = providerFor({ type: "webhook", url: `${cc()}/webhook/${acct}`, secret: "s3cret" });
    const r = req();
    const first = await provider.request(r, deps());
    const again = await provider.request(r, deps());
    expect(again).toEqual(first);
    expect(await received(acct)).toHaveLength(1);
    expect(provider.idempotent).toBe(true);
  });

  it("is refused with another secret", async () => {
    const acct = `webhook-${crypto.randomUUID().slice(0, 8)}`;
    await account(acct, { secret: "s3cret" });
    expect(await providerFor({ type: "webhook", url: `${cc()}/webhook/${acct}`, secret: "other" }).request(req(), deps())).toEqual({ kind: "refused", code: "provider_auth_failed" });
  });
});

describe("OAuth platforms", () => {
  it("log in once and reuse the token", async () => {
    tokenLogins = 0;
    const acct = `genesys-${crypto.randomUUID().slice(0, 8)}`;
    await account(acct, { secret: "gen-secret" });
    const provider = providerFor({ type: "genesys", apiUrl: `${cc()}/genesys`, loginUrl: `${cc()}/genesys`, clientId: acct, clientSecret: "gen-secret", queueId: "q" });
    const d = deps();
    await provider.request(req(), d);
    await provider.request(req(), d);
    expect(tokenLogins).toBe(1);
  });
});

describe("OAuth token endpoint failures", () => {
  const genesys = (acct: string, clientSecret = "gen-secret"): ProviderConfig => ({ type: "genesys", apiUrl: `${cc()}/genesys`, loginUrl: `${cc()}/genesys`, clientId: acct, clientSecret, queueId: "q" });

  it("an unknown client (Genesys answers 400 invalid_client) is provider_auth_failed", async () => {
    expect(await providerFor(genesys(`nobody-${crypto.randomUUID()}`)).request(req(), deps())).toEqual({ kind: "refused", code: "provider_auth_failed" });
  });

  it("a token endpoint outage is transient, and nothing reaches the callback API", async () => {
    const acct = `genesys-${crypto.randomUUID().slice(0, 8)}`;
    await account(acct, { secret: "gen-secret", fail5xx: 1 });
    expect(await providerFor(genesys(acct)).request(req(), deps())).toEqual({ kind: "transient", code: "http_503" });
    expect(await received(acct)).toHaveLength(0);
  });

  it("Talkdesk's 401 invalid_client is provider_auth_failed", async () => {
    const acct = `talkdesk-${crypto.randomUUID().slice(0, 8)}`;
    const config: ProviderConfig = { type: "talkdesk", apiUrl: `${cc()}/talkdesk`, tokenUrl: `${cc()}/talkdesk/oauth/token`, clientId: acct, clientSecret: "wrong", talkdeskPhoneNumber: "+33100000000" };
    await account(acct, { secret: "td-secret" });
    expect(await providerFor(config).request(req(), deps())).toEqual({ kind: "refused", code: "provider_auth_failed" });
  });
});

describe("Twilio account settings", () => {
  const twilio = async (settings: Record<string, unknown>) => {
    const sid = `AC${crypto.randomUUID().replaceAll("-", "")}`;
    await account(sid, { secret: "tw", ...settings });
    return providerFor({ type: "twilio", apiUrl: `${cc()}/twilio`, accountSid: sid, authToken: "tw", from: "+33987654321", twimlUrl: "https://acme.example/twiml" });
  };

  it("21215 (geographic permissions) is provider_misconfigured, not a bad number", async () => {
    expect(await (await twilio({ geoPermissions: ["+1"] })).request(req(), deps())).toEqual({ kind: "refused", code: "provider_misconfigured" });
  });

  it("21219 (a trial account's unverified number) is provider_misconfigured", async () => {
    expect(await (await twilio({ trial: true, verifiedNumbers: ["+33600000001"] })).request(req(), deps())).toEqual({ kind: "refused", code: "provider_misconfigured" });
  });

  it("21211 stays a refused number", async () => {
    expect(await (await twilio({ refuseNumbers: ["+33612345678"] })).request(req(), deps())).toEqual({ kind: "number_refused", code: "twilio_21211" });
  });
});

describe("extensions", () => {
  const withExt = { ...req(), extension: "123" };

  it("Twilio dials it once the line answers (SendDigits)", async () => {
    const sid = `AC${crypto.randomUUID().replaceAll("-", "")}`;
    await account(sid, { secret: "tw" });
    const provider = providerFor({ type: "twilio", apiUrl: `${cc()}/twilio`, accountSid: sid, authToken: "tw", from: "+33987654321", twimlUrl: "https://acme.example/twiml" });
    expect(provider.extensions).toBe(true);
    expect((await provider.request(withExt, deps())).kind).toBe("scheduled");
    expect((await received(sid))[0]?.body).toMatchObject({ To: "+33612345678", SendDigits: "ww123" });
  });

  it("Genesys gets the normalised address tel:+E164;ext=digits", async () => {
    const acct = `genesys-${crypto.randomUUID().slice(0, 8)}`;
    await account(acct, { secret: "gen-secret" });
    const provider = providerFor({ type: "genesys", apiUrl: `${cc()}/genesys`, loginUrl: `${cc()}/genesys`, clientId: acct, clientSecret: "gen-secret", queueId: "q" });
    expect((await provider.request(withExt, deps())).kind).toBe("scheduled");
    expect((await received(acct))[0]).toMatchObject({ phone: "+33612345678", body: { callbackNumbers: ["tel:+33612345678;ext=123"] } });
  });

  it("the webhook gets it as a field", async () => {
    const acct = `webhook-${crypto.randomUUID().slice(0, 8)}`;
    await account(acct, { secret: "s" });
    await providerFor({ type: "webhook", url: `${cc()}/webhook/${acct}`, secret: "s" }).request(withExt, deps());
    expect((await received(acct))[0]?.body).toMatchObject({ phone: "+33612345678", extension: "123" });
  });

  it("Talkdesk and Aircall cannot dial one", () => {
    expect(providerFor({ type: "talkdesk", apiUrl: cc(), tokenUrl: cc(), clientId: "x", clientSecret: "x", talkdeskPhoneNumber: "+33100000000" }).extensions).toBe(false);
    expect(providerFor({ type: "aircall", apiUrl: cc(), apiId: "x", apiToken: "x", userId: 1, numberId: 1 }).extensions).toBe(false);
  });
});
