// Surveys the connector starts itself: after a chat-to-call escalation whose callback
// was scheduled, and after a closed conversation whose visitor gave a mobile and consent.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import worker from "../../src/index.ts";
import { admin } from "../helpers/admin.ts";
import { account, ask, cc } from "../helpers/escalation.ts";
import { newUser, seedConversation } from "../helpers/iadvize.ts";
import { CAR_DEALER } from "../emulators/iadvize/seed.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { holdSurveyQueue, inbox, mobile, surveyTenant, surveysConfig } from "../helpers/surveys.ts";

let queue: ReturnType<typeof holdSurveyQueue>;
beforeEach(() => {
  queue = holdSurveyQueue();
});
afterEach(() => queue.restore());

describe("after a scheduled callback", () => {
  it("sends the tenant's survey to the number the bot gave, pointing to the escalation's conversation", async () => {
    const name = `acct-${crypto.randomUUID().slice(0, 8)}`;
    await account(name, { secret: "s" });
    const escalationKey = `esc_${crypto.randomUUID().replaceAll("-", "")}`;
    const t = await surveyTenant({ triggers: { afterCallback: { surveyId: "after-call", delayMinutes: 30 } } });
    const res = await admin("PUT", `/tenants/${t.tenantId}`, {
      escalation: { key: escalationKey, provider: { type: "webhook", url: `${cc()}/webhook/${name}`, secret: "s" }, defaultCountry: "FR", allowedCountries: ["FR"] },
      surveys: surveysConfig(t, { triggers: { afterCallback: { surveyId: "after-call", delayMinutes: 30 } } }),
    });
    expect(res.status).toBe(200);
    const phone = mobile();
    const answer = await ask(escalationKey, { phone: phone.replace("+33", "0"), conversationId: "conv-42" });
    expect(answer.status).toBe("scheduled");
    expect(queue.all).toEqual([{ body: { kind: "after_callback", tenantId: t.tenantId, escalationId: answer.escalationId }, delaySeconds: 1800 }]);
    await queue.drain();
    // In the escalation's language (the tenant's escalation default: French).
    expect(await inbox(t, phone)).toEqual(["Merci d'avoir appelé Acme Motors.", "Nous recommanderiez-vous ? (0-10)"]);
    const row = await env.DB.prepare(`SELECT origin, conversation_id, escalation_id, client_reference FROM survey_sessions WHERE tenant_id = ?1`).bind(t.tenantId).first();
    expect(row).toEqual({ origin: "callback", conversation_id: "conv-42", escalation_id: answer.escalationId, client_reference: "conv-42" });
    // The same trigger delivered twice starts one survey.
    await worker.queue(createMessageBatch("survey-work", [{ id: "again", timestamp: new Date(), attempts: 1, body: { kind: "after_callback", tenantId: t.tenantId, escalationId: answer.escalationId } }]), env);
    await queue.drain();
    expect(await inbox(t, phone)).toHaveLength(2);
  });

  it("does nothing for a tenant without the trigger", async () => {
    const name = `acct-${crypto.randomUUID().slice(0, 8)}`;
    await account(name, { secret: "s" });
    const escalationKey = `esc_${crypto.randomUUID().replaceAll("-", "")}`;
    const t = await surveyTenant();
    await admin("PUT", `/tenants/${t.tenantId}`, {
      escalation: { key: escalationKey, provider: { type: "webhook", url: `${cc()}/webhook/${name}`, secret: "s" }, defaultCountry: "FR", allowedCountries: ["FR"] },
      surveys: surveysConfig(t),
    });
    expect((await ask(escalationKey, { phone: "0612345678" })).status).toBe("scheduled");
    expect(queue.all).toEqual([]);
  });
});

describe("after a closed conversation", () => {
  async function closed(consent: boolean | null, phone: string | null) {
    const user = await newUser();
    const t = await surveyTenant({ triggers: { afterConversation: { surveyId: "after-call" } } }, { iadvize: user });
    const projectId = Number(t.tenantId.slice(3));
    const conversation = await seedConversation({
      projectId,
      language: "fr",
      visitor: { ...CAR_DEALER.visitor, id: crypto.randomUUID(), phoneNumber: phone },
      customData: consent === null ? [] : [{ key: "cust_sms_consent", value: consent }],
    });
    const event = { ...fixtures.conversationClosed, eventId: crypto.randomUUID(), projectId, conversationId: conversation.id };
    const batch = createMessageBatch("conversation-work", [
      { id: "e1", timestamp: new Date(), attempts: 1, body: { kind: "event", tenantId: t.tenantId, event, correlationId: null, deliveryId: null, receivedAt: new Date().toISOString() } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["e1"]);
    await queue.drain();
    return { t, conversation };
  }

  it("sends the survey to the visitor's mobile when the visitor consented, in the conversation's language", async () => {
    const phone = mobile();
    const { t, conversation } = await closed(true, phone);
    expect(queue.all[0]?.body).toEqual({ kind: "after_conversation", tenantId: t.tenantId, conversationId: conversation.id });
    expect(await inbox(t, phone)).toEqual(["Merci d'avoir appelé Acme Motors.", "Nous recommanderiez-vous ? (0-10)"]);
  });

  it("sends nothing without consent, or without a mobile number", async () => {
    const phone = mobile();
    const a = await closed(null, phone);
    expect(await inbox(a.t, phone)).toEqual([]);
    const b = await closed(true, "+33123456789");
    expect(await inbox(b.t, "+33123456789")).toEqual([]);
    const c = await closed(false, phone);
    expect(await inbox(c.t, phone)).toEqual([]);
  });
});
