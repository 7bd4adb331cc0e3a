// POST /sms/inbound/:provider, in the fixed order: content type, signature header,
// tenant by the number written to, signature with its auth token, fields.
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hmacSha256Hex } from "../../src/lib/hmac.ts";
import { admin } from "../helpers/admin.ts";
import { deliver, holdSurveyQueue, mobile, send, sendBody, signedReply, surveyTenant, surveysConfig } from "../helpers/surveys.ts";
import { BASE } from "../helpers/webhook.ts";

let queue: ReturnType<typeof holdSurveyQueue>;
beforeEach(() => {
  queue = holdSurveyQueue();
});
afterEach(() => queue.restore());

describe("Twilio replies", () => {
  it("refuses a missing or wrong X-Twilio-Signature, and a tampered body", async () => {
    const t = await surveyTenant();
    const signed = await signedReply(t, mobile(), "7");
    const { "x-twilio-signature": signature, ...unsigned } = signed.headers;
    const missing = await deliver(signed, { headers: unsigned });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { code: "invalid_signature" } });
    expect((await deliver(signed, { headers: { ...signed.headers, "x-twilio-signature": "AAAAAAAAAAAAAAAAAAAAAAAAAAA=" } })).status).toBe(401);
    expect((await deliver(signed, { body: signed.body.replace("Body=7", "Body=8") })).status).toBe(401);
    // Signed for another URL (the query string is part of what Twilio signs).
    expect((await deliver(signed, { url: `${signed.url}?x=1` })).status).toBe(401);
    expect(signature).toBeTruthy();
    // Nothing was recorded.
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM survey_inbound WHERE tenant_id = ?1`).bind(t.tenantId).first("n")).toBe(0);
  });

  it("answers 415 to another content type, and 404 to a number no tenant sends from", async () => {
    const t = await surveyTenant();
    const signed = await signedReply(t, mobile(), "7");
    expect((await deliver(signed, { headers: { ...signed.headers, "content-type": "application/json" } })).status).toBe(415);
    const elsewhere = await deliver(signed, { body: signed.body.replace(encodeURIComponent(t.from), encodeURIComponent("+442000000000")) });
    expect(elsewhere.status).toBe(404);
    expect((await exports.default.fetch(`${BASE}/sms/inbound/vonage`, { method: "POST" })).status).toBe(404);
  });
});

describe("the generic webhook", () => {
  it("takes a signed JSON reply, and the session the platform echoes", async () => {
    const secret = `whsec-${crypto.randomUUID()}`;
    const t = await surveyTenant();
    const from = `acme-${crypto.randomUUID().slice(0, 8)}`;
    // The same tenant, moved to a platform of its own behind the generic webhook.
    const res = await admin("PUT", `/tenants/${t.tenantId}`, { surveys: surveysConfig(t, { provider: { type: "webhook", url: "https://sms.acme.example/send", secret, from } }) });
    expect(res.status).toBe(200);
    const phone = mobile();
    const { sessionId } = (await (await send(t.key, sendBody(phone))).json()) as { sessionId: string };
    const post = async (payload: object, key = secret) => {
      const body = JSON.stringify(payload);
      return exports.default.fetch(`${BASE}/sms/inbound/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-connector-signature": `sha256=${await hmacSha256Hex(key, body)}` },
        body,
      });
    };
    const message = { id: crypto.randomUUID(), from: phone, to: from, text: "7", sessionId };
    expect((await post(message, "wrong")).status).toBe(401);
    const ok = await post(message);
    expect(await ok.json()).toEqual({ status: "answered" });
    expect(await (await post(message)).json()).toEqual({ status: "duplicate" });
    const bad = await post({ ...message, id: crypto.randomUUID(), from: "0612" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_payload", details: [{ path: "from" }] } });
  });
});

describe("message ids across tenants", () => {
  it("another tenant's reply with the same generic-webhook message id is still handled", async () => {
    const mk = async () => {
      const t = await surveyTenant();
      const secret = `whsec-${crypto.randomUUID()}`;
      const from = `acme-${crypto.randomUUID().slice(0, 8)}`;
      const res = await admin("PUT", `/tenants/${t.tenantId}`, { surveys: surveysConfig(t, { provider: { type: "webhook", url: "https://sms.acme.example/send", secret, from } }) });
      expect(res.status).toBe(200);
      return { ...t, secret, from };
    };
    const a = await mk();
    const b = await mk();
    const post = async (payload: object, key: string) => {
      const body = JSON.stringify(payload);
      return exports.default.fetch(`${BASE}/sms/inbound/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-connector-signature": `sha256=${await hmacSha256Hex(key, body)}` },
        body,
      });
    };
    const phoneB = mobile();
    const sent = (await (await send(b.key, sendBody(phoneB))).json()) as { sessionId: string };
    const before = await env.DB.prepare(`SELECT current_element FROM survey_sessions WHERE id = ?1`).bind(sent.sessionId).first("current_element");
    const id = `msg-${crypto.randomUUID()}`;
    expect((await post({ id, from: mobile(), to: a.from, text: "hi" }, a.secret)).status).toBe(200);
    const rb = await post({ id, from: phoneB, to: b.from, text: "7", sessionId: sent.sessionId }, b.secret);
    expect(rb.status).toBe(200);
    expect(await rb.text()).not.toContain("duplicate");
    const after = await env.DB.prepare(`SELECT current_element FROM survey_sessions WHERE id = ?1`).bind(sent.sessionId).first("current_element");
    expect(after).not.toBe(before);
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM survey_inbound WHERE message_id = ?1`).bind(id).first("n")).toBe(2);
  });
});
