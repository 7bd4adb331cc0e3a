// The endpoint's rules, driven as an IVR calls it: the number (refused forms, a fixed line),
// consent, channel precedence, notify vs start, one callId one message, the limits under
// concurrency, and the wire (methods, keys, content types).
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE } from "../helpers/webhook.ts";
import { ask, deflect, deflectionTenant, LANDLINE, mobile, PREMIUM, received, row } from "../helpers/deflection.ts";

describe("deflection: the number", () => {
  it("refuses numbers that cannot be texted, each with its reason and a prompt, and records them without the number", async () => {
    const t = await deflectionTenant();
    const cases: [string, string, string | undefined][] = [
      ["06 12 34", "invalid_phone", "too_short"],
      ["hello", "invalid_phone", "not_a_number"],
      [PREMIUM, "invalid_phone", "number_type_not_allowed"],
      ["+44 7400 123456", "invalid_phone", "country_not_served"],
      [LANDLINE, "not_mobile", undefined],
    ];
    for (const [phone, status, reason] of cases) {
      const a = await ask(t.key, { phone, optIn: true });
      expect(a, phone).toMatchObject({ status, ...(reason ? { reason } : {}) });
      expect(a.prompt.length).toBeGreaterThan(10);
      const r = await row(a.deflectionId);
      expect(r).toMatchObject({ status: "rejected", reason: reason ?? "not_mobile", details: "" });
      expect(JSON.stringify(r)).not.toContain(phone.replaceAll(" ", ""));
    }
    expect(await received(t.account)).toHaveLength(0);
  });

  it("a fixed line is not_mobile, with the IVR's sentence in the tenant's language", async () => {
    const t = await deflectionTenant("webhook", { language: "fr" });
    const a = await ask(t.key, { phone: LANDLINE, optIn: true });
    expect(a).toMatchObject({ status: "not_mobile", prompt: "Votre numéro ne peut pas recevoir de messages écrits. Nous restons en ligne avec vous." });
    expect(await received(t.account)).toHaveLength(0);
  });
});

describe("deflection: consent", () => {
  it("no opt-in, no message: consent_required, recorded with the consent as given", async () => {
    const t = await deflectionTenant();
    const phone = mobile();
    const none = await ask(t.key, { phone });
    const refused = await ask(t.key, { phone, optIn: "no" });
    expect(none).toMatchObject({ status: "consent_required" });
    expect(refused).toMatchObject({ status: "consent_required" });
    expect(await row(none.deflectionId)).toMatchObject({ status: "rejected", reason: "consent_required", consent: null });
    expect(await row(refused.deflectionId)).toMatchObject({ status: "rejected", reason: "consent_required", consent: 0 });
    expect(await received(t.account)).toHaveLength(0);
    // Then the caller presses 1: it goes out, the refusals not counted against the limits.
    expect(await ask(t.key, { phone, optIn: "1" })).toMatchObject({ status: "sent", channel: "SMS" });
  });

  it("a precedence of Apple and Google alone needs no opt-in: those reach only people who wrote first", async () => {
    const phone = mobile();
    const t = await deflectionTenant("webhook", { channels: [{ platform: "AppleMessages" }, { platform: "GoogleMessages" }] }, { googleUsers: [phone] });
    expect(await ask(t.key, { phone })).toMatchObject({ status: "sent", channel: "GoogleMessages" });
  });
});

describe("deflection: channels and modes", () => {
  it("the first channel of the precedence that reaches the number wins, and the answer says which", async () => {
    const [apple, whatsapp, sms] = [mobile(), mobile(), mobile()];
    const t = await deflectionTenant("quiq", {}, { appleUsers: [apple], whatsappUsers: [apple, whatsapp] });
    expect(await ask(t.key, { phone: apple, optIn: true })).toMatchObject({ status: "sent", channel: "AppleMessages", prompt: expect.stringContaining("Apple Messages") });
    expect(await ask(t.key, { phone: whatsapp, optIn: true })).toMatchObject({ status: "sent", channel: "WhatsApp" });
    expect(await ask(t.key, { phone: sms, optIn: true })).toMatchObject({ status: "sent", channel: "SMS", prompt: expect.stringContaining("text message") });
    const [first] = await received(t.account);
    expect((first?.body.notifications as { precedence: unknown }[])[0]?.precedence).toEqual([
      { platform: "AppleMessages", tenantHandle: "apple-biz" },
      { platform: "GoogleMessages", tenantHandle: "google-biz" },
      { platform: "WhatsApp", tenantHandle: "wa-biz" },
      { platform: "SMS" },
    ]);
  });

  it("a number no channel reaches is rejected as unreachable, recorded", async () => {
    const phone = mobile();
    const t = await deflectionTenant("webhook", {}, { unreachable: [phone] });
    const a = await ask(t.key, { phone, optIn: true });
    expect(a).toMatchObject({ status: "rejected", reason: "unreachable" });
    expect(await row(a.deflectionId)).toMatchObject({ status: "rejected", reason: "unreachable", attempts: 1 });
  });

  it("notify by default (one message, no conversation), start on request (imported message for the agent, system message, fields)", async () => {
    const t = await deflectionTenant("quiq");
    const input = { optIn: true, reason: "damaged parcel", topic: "returns", conversationFields: { reasonForInquiry: "damaged" }, customerFields: { tier: "gold" } };
    const notify = await ask(t.key, { ...input, phone: mobile() });
    const start = await ask(t.key, { ...input, phone: mobile(), mode: "start" });
    expect(await row(notify.deflectionId)).toMatchObject({ mode: "notify", status: "sent" });
    expect(await row(start.deflectionId)).toMatchObject({ mode: "start", status: "sent" });
    const [n, s] = await received(t.account);
    expect(n?.path).toBe("notify");
    expect(n?.body).toMatchObject({
      contactPoint: "default",
      topic: "returns",
      notifications: [{ messageMap: { default: { directives: { fieldUpdates: [{ field: "schema.conversation.custom.reasonForInquiry", value: "damaged" }, { field: "schema.conversation.customer.custom.tier", value: "gold" }] } } } }],
    });
    expect(s?.path).toBe("start-conversation");
    expect(s?.body).toMatchObject({
      messageMaps: [
        { authorType: "Customer", imported: true, default: { text: "IVR caller needs help with: damaged parcel" } },
        { authorType: "System", default: { text: "Thanks for contacting us. An advisor will be with you here as soon as possible." } },
      ],
      fields: [{ field: "schema.conversation.custom.reasonForInquiry", value: "damaged" }, { field: "schema.conversation.customer.custom.tier", value: "gold" }],
    });
  });

  it("the tenant's default mode is start when it says so", async () => {
    const t = await deflectionTenant("quiq", { mode: "start" });
    await ask(t.key, { phone: mobile(), optIn: true });
    expect((await received(t.account))[0]?.path).toBe("start-conversation");
  });
});

describe("deflection: one callId, one message", () => {
  it("the IVR's retries of one call, sequential or concurrent, send one message and all get its answer", async () => {
    const t = await deflectionTenant();
    const phone = mobile();
    const answers = await Promise.all(Array.from({ length: 10 }, () => ask(t.key, { phone, optIn: true, callId: "call-42" })));
    const again = await ask(t.key, { phone, optIn: true, callId: "call-42" });
    expect(await received(t.account)).toHaveLength(1);
    const ids = new Set([...answers, again].map((a) => a.deflectionId));
    expect(ids.size).toBe(1);
    expect(again).toMatchObject({ status: "sent", channel: "SMS" });
    // Another call from the same number is another message.
    expect(await ask(t.key, { phone, optIn: true, callId: "call-43" })).toMatchObject({ status: "sent" });
    expect(await received(t.account)).toHaveLength(2);
  });
});

describe("deflection: limits under concurrency", () => {
  it("100 concurrent requests for distinct numbers send at most perTenantPerMinute messages", async () => {
    const t = await deflectionTenant("webhook", { perTenantPerMinute: 30 });
    const answers = await Promise.all(Array.from({ length: 100 }, () => ask(t.key, { phone: mobile(), optIn: true })));
    expect(await received(t.account)).toHaveLength(30);
    expect(answers.filter((a) => a.status === "sent")).toHaveLength(30);
    expect(answers.filter((a) => a.status === "rate_limited")).toHaveLength(70);
  });

  it("100 concurrent requests for one number send at most perNumberPerDay messages", async () => {
    const t = await deflectionTenant("webhook", { perNumberPerDay: 2 });
    const phone = mobile();
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => ask(t.key, { phone, optIn: true, callId: `c-${i}` })));
    expect(await received(t.account)).toHaveLength(2);
    expect(answers.filter((a) => a.status === "rate_limited")).toHaveLength(98);
  });
});

describe("deflection: the wire", () => {
  it("takes the key as a bearer token, form fields from an IVR's HTTP block, and refuses the rest clearly", async () => {
    const t = await deflectionTenant("quiq");
    expect(await ask(t.key, { phone: mobile(), optIn: true }, { bearer: true })).toMatchObject({ status: "sent" });
    expect(await ask(t.key, { phone: mobile(), optIn: "yes", "conversationFields.reasonForInquiry": "billing" }, { form: true })).toMatchObject({ status: "sent" });
    const last = (await received(t.account)).at(-1);
    expect(JSON.stringify(last?.body)).toContain("schema.conversation.custom.reasonForInquiry");

    const unknown = await deflect("dfl_unknown_key_0123456789abcdef", { phone: mobile() });
    expect(unknown.status).toBe(404);
    const noKey = await deflect("", { phone: mobile() }, { bearer: true });
    expect(noKey.status).toBe(401);
    const get = await deflect(t.key, {}, { method: "GET" });
    expect(get.status).toBe(405);
    const bad = await deflect(t.key, { phone: 33612345678, mode: "shout" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_request", details: expect.arrayContaining([expect.objectContaining({ path: "phone" }), expect.objectContaining({ path: "mode" })]) } });
    const text = await deflect(t.key, "phone=0612345678", { form: false });
    expect(text.status).toBe(400);
    const typo = await deflect(t.key, { phone: mobile(), optin: true });
    expect(typo.status).toBe(400);
    expect(await typo.json()).toMatchObject({ error: { details: [expect.objectContaining({ message: expect.stringContaining("optin") })] } });
    const plain = await exports.default.fetch(`${BASE}/deflections/${t.key}`, { method: "POST", headers: { "content-type": "text/plain" }, body: "0612345678" });
    expect(plain.status).toBe(415);
    const xml = await env.DB.prepare("SELECT COUNT(*) AS n FROM deflections WHERE tenant_id = ?").bind(t.tenantId).first<number>("n");
    expect(xml).toBe(2);
  });
});
