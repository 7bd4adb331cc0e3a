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
    check: (call, r) => expect(call.body).toMatchObject({ talkdesk_phone_number: "+33100000000", contact_phone_number: r.phone }),
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
    if (name === "genesys" || name === "talkdesk") {
      // The OAuth login itself is refused: the attempt records it as a provider error.
      await expect(providerFor(wrong).request(req(), deps())).rejects.toThrow(/token endpoint answered 401/);
    } else {
      expect(await providerFor(wrong).request(req(), deps())).toEqual({ kind: "refused", code: "auth_failed" });
    }
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
    expect(await providerFor({ type: "webhook", url: `${cc()}/webhook/${acct}`, secret: "other" }).request(req(), deps())).toEqual({ kind: "refused", code: "auth_failed" });
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
