// Each messaging provider against its emulator, which follows the platform's documented
// request, authentication and errors: Quiq (Basic auth, the body's status), Twilio
// (WhatsApp templates, SMS, its error codes), a customer's Genesys DMS gateway (the signed
// InviteToChat parameters, _umsChatSessionId) and the generic webhook.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ask, deflectionTenant, messagingAccount, mobile, received, row, SMS_FROM, TEMPLATE_SID, twilioAccount, twilioSent, WHATSAPP_FROM } from "../helpers/deflection.ts";

describe("quiq", () => {
  it("sends Basic auth with the bot's key and secret; refused credentials are the admin's problem, never retried", async () => {
    const t = await deflectionTenant("quiq");
    await messagingAccount(t.account, { secret: "another-secret" });
    const a = await ask(t.key, { phone: mobile(), optIn: true });
    expect(a).toMatchObject({ status: "rejected", reason: "provider_refused" });
    expect(await row(a.deflectionId)).toMatchObject({ status: "rejected", reason: "provider_auth_failed", attempts: 1 });
  });

  it("an HTTP 200 whose body status is not 200 is an error: 5xx retried from the queue, 4xx refused", async () => {
    const t = await deflectionTenant("quiq", {}, { failStatus: { status: 500, count: 1 } });
    const a = await ask(t.key, { phone: mobile(), optIn: true });
    expect(a).toMatchObject({ status: "pending" });
    expect(await row(a.deflectionId)).toMatchObject({ status: "retrying", reason: "quiq_500" });
    await messagingAccount(t.account, { failStatus: { status: 400, count: 1 } });
    const b = await ask(t.key, { phone: mobile(), optIn: true });
    expect(b).toMatchObject({ status: "rejected", reason: "provider_refused" });
    expect(await row(b.deflectionId)).toMatchObject({ status: "rejected", reason: "provider_refused:quiq_400" });
    expect(await received(t.account)).toHaveLength(0);
  });

  it("a body status 404 (no platform of the precedence reaches the number) is unreachable; a body status 401 is refused credentials", async () => {
    const phone = mobile();
    const t = await deflectionTenant("quiq", {}, { unreachable: [phone] });
    const a = await ask(t.key, { phone, optIn: true });
    expect(a).toMatchObject({ status: "rejected", reason: "unreachable" });
    expect(await row(a.deflectionId)).toMatchObject({ status: "rejected", reason: "unreachable", attempts: 1 });
    await messagingAccount(t.account, { failStatus: { status: 401, count: 1 } });
    const b = await ask(t.key, { phone: mobile(), optIn: true });
    expect(await row(b.deflectionId)).toMatchObject({ status: "rejected", reason: "provider_auth_failed", attempts: 1 });
  });
});

describe("twilio", () => {
  it("opens WhatsApp with the approved template (ContentSid, ContentVariables), never free text", async () => {
    const phone = mobile();
    const t = await deflectionTenant("twilio", {}, { whatsappUsers: [phone] });
    const a = await ask(t.key, { phone, optIn: true, reason: "a damaged parcel" });
    expect(a).toMatchObject({ status: "sent", channel: "WhatsApp" });
    expect(await twilioSent(t.account)).toEqual([expect.objectContaining({ channel: "whatsapp", to: `whatsapp:${phone}`, from: `whatsapp:${WHATSAPP_FROM}`, body: "Following your call about a damaged parcel, reply here to carry on in writing." })]);
    expect((await row(a.deflectionId))?.provider_ref).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it("falls back to SMS for a number not on WhatsApp (63003), with notify's text or start's system message; skips Apple and Google", async () => {
    const [notify, start] = [mobile(), mobile()];
    const t = await deflectionTenant("twilio");
    expect(await ask(t.key, { phone: notify, optIn: true })).toMatchObject({ status: "sent", channel: "SMS" });
    expect(await ask(t.key, { phone: start, optIn: true, mode: "start" })).toMatchObject({ status: "sent", channel: "SMS" });
    expect(await twilioSent(t.account)).toEqual([
      expect.objectContaining({ channel: "sms", to: notify, from: SMS_FROM, body: "Following your call, you can carry on here in writing with an advisor. Reply to this message when you are ready." }),
      expect.objectContaining({ channel: "sms", to: start, body: "Thanks for contacting us. An advisor will be with you here as soon as possible." }),
    ]);
  });

  it("a number Twilio cannot text (21614) is unreachable; a WhatsApp sender the account lacks (63007) is a setting to fix", async () => {
    const phone = mobile();
    const t = await deflectionTenant("twilio", { channels: [{ platform: "SMS" }] }, { landlines: [phone] });
    expect(await ask(t.key, { phone, optIn: true })).toMatchObject({ status: "rejected", reason: "unreachable" });
    const wa = mobile();
    const u = await deflectionTenant("twilio", { channels: [{ platform: "WhatsApp" }] }, { whatsappSenders: [], whatsappUsers: [wa] });
    const a = await ask(u.key, { phone: wa, optIn: true });
    expect(a).toMatchObject({ status: "rejected", reason: "provider_refused" });
    expect(await row(a.deflectionId)).toMatchObject({ reason: "provider_misconfigured" });
  });

  it("the emulator refuses free-text WhatsApp that would open a conversation, as Twilio does (63016)", async () => {
    const sid = `AC${"b2".repeat(16)}`;
    const phone = mobile();
    await twilioAccount(sid, { authToken: "tok", numbers: [], whatsappSenders: [WHATSAPP_FROM], whatsappUsers: [phone], templates: { [TEMPLATE_SID]: "Hi" } });
    const post = (params: Record<string, string>) =>
      fetch(`${env.TEST_SMS_URL}/2010-04-01/Accounts/${sid}/Messages.json`, { method: "POST", headers: { authorization: `Basic ${btoa(`${sid}:tok`)}`, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(params).toString() });
    const free = await post({ To: `whatsapp:${phone}`, From: `whatsapp:${WHATSAPP_FROM}`, Body: "Hello" });
    expect(free.status).toBe(400);
    expect(await free.json()).toMatchObject({ code: 63016, more_info: "https://www.twilio.com/docs/errors/63016", status: 400 });
    const template = await post({ To: `whatsapp:${phone}`, From: `whatsapp:${WHATSAPP_FROM}`, ContentSid: TEMPLATE_SID, ContentVariables: "{}" });
    expect(template.status).toBe(201);
  });
});

describe("genesys-dms (through the customer's gateway)", () => {
  it("notify: InviteToChat's parameters, signed, the session ended at once on the notification queue; the answer's _umsChatSessionId kept", async () => {
    const phone = mobile();
    const t = await deflectionTenant("genesys-dms", {}, { whatsappUsers: [phone] });
    const a = await ask(t.key, { phone, optIn: true, reason: "billing", conversationFields: { queue: "billing" }, customerFields: { FirstName: "Jane" } });
    expect(a).toMatchObject({ status: "sent", channel: "WhatsApp" });
    const [got] = await received(t.account);
    expect(got?.body).toMatchObject({
      Service: "ChatService",
      Method: "InviteToChat",
      Parameters: { _umsChannel: "WA-acme", _umsClientId: "acme-client", _umsBusinessId: "+33757000333", StandardResponseId: "00AB12", ChatQueueKey: "1:session-WA-sendSR", TerminateSessionFlag: "true", Contact: { PhoneNumber: phone, FirstName: "Jane" }, CustomProperties: { Reason: "billing" } },
      UserData: { PhoneNumber: phone, GCTI_Chat_SubmitAsOutbound: "false", IVR_Reason: "billing", queue: "billing" },
    });
    expect((await row(a.deflectionId))?.provider_ref).toBe(got?.reference);
  });

  it("start: an outbound interaction kept open on the chat queue; Apple tried first, WhatsApp next when Apple cannot reach the number", async () => {
    const phone = mobile();
    const t = await deflectionTenant("genesys-dms", {}, { whatsappUsers: [phone] });
    await ask(t.key, { phone, optIn: true, mode: "start" });
    const [got] = await received(t.account);
    expect(got?.body).toMatchObject({ Parameters: { _umsChannel: "WA-acme", ChatQueueKey: "1:session-WA-outbound", TerminateSessionFlag: "false" }, UserData: { GCTI_Chat_SubmitAsOutbound: "true" } });
    expect(got?.channel).toBe("WhatsApp");
  });

  it("a gateway that refuses the signature is the admin's problem; one that reaches the number on no DMS channel, unreachable", async () => {
    const t = await deflectionTenant("genesys-dms");
    expect(await ask(t.key, { phone: mobile(), optIn: true })).toMatchObject({ status: "rejected", reason: "unreachable" });
    await messagingAccount(t.account, { secret: "rotated" });
    const a = await ask(t.key, { phone: mobile(), optIn: true });
    expect(await row(a.deflectionId)).toMatchObject({ status: "rejected", reason: "provider_auth_failed" });
  });
});

describe("webhook", () => {
  it("POSTs the request signed, with the deflection id as Idempotency-Key, and reads back the channel and reference", async () => {
    const phone = mobile();
    const t = await deflectionTenant("webhook", {}, { whatsappUsers: [phone] });
    const a = await ask(t.key, { phone, optIn: true, topic: "returns", reason: "refund" });
    expect(a).toMatchObject({ status: "sent", channel: "WhatsApp" });
    const [got] = await received(t.account);
    expect(got?.body).toMatchObject({ type: "deflection.requested", id: a.deflectionId, phone, mode: "notify", topic: "returns", reason: "refund", texts: { imported: "IVR caller needs help with: refund" } });
    expect((await row(a.deflectionId))?.provider_ref).toBe(got?.reference);
  });
});
