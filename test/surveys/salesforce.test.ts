// Survey results in Salesforce: on the Conversation record the survey points to, the
// scales in reportable number fields, or as a Survey Response record; in one API call
// for a queue batch.
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apiUsed, newOrg, records, salesforceSettings, sfFaults } from "../helpers/salesforce.ts";
import { holdSurveyQueue, mobile, reply, send, sendBody, session, surveyTenant } from "../helpers/surveys.ts";
import type { SurveyTenant } from "../helpers/surveys.ts";

let queue: ReturnType<typeof holdSurveyQueue>;
beforeEach(() => {
  queue = holdSurveyQueue();
});
afterEach(() => queue.restore());

async function knownConversation(t: SurveyTenant): Promise<string> {
  const id = crypto.randomUUID();
  await env.DB.prepare(`INSERT INTO conversations (tenant_id, conversation_id, status, updated_at) VALUES (?1, ?2, 'closed', ?3)`).bind(t.tenantId, id, new Date().toISOString()).run();
  return id;
}

/** Sends and answers the survey, leaving the Salesforce write in the queue. */
async function answered(t: SurveyTenant, clientReference: string, answers: string[]): Promise<string> {
  const phone = mobile();
  const res = await send(t.key, sendBody(phone, { clientReference }));
  const { sessionId } = (await res.json()) as { sessionId: string };
  await queue.drain({ holdBack: "write" });
  for (const a of answers) {
    await reply(t, phone, a);
    await queue.drain({ holdBack: "write" });
  }
  return sessionId;
}

describe("survey results in Salesforce", () => {
  it("go on the Conversation record the clientReference names, or on a Survey Response record, in one API call", async () => {
    const org = await newOrg();
    const t = await surveyTenant({}, { salesforce: salesforceSettings(org) });
    const conversationId = await knownConversation(t);
    const onConversation = await answered(t, conversationId, ["4", "1", "yes", "Call me after 6pm"]);
    const reference = `call-${crypto.randomUUID()}`;
    const onResponse = await answered(t, reference, ["10"]);
    expect(queue.pending.map((q) => q.body)).toEqual([
      { kind: "write", tenantId: t.tenantId, sessionId: onConversation },
      { kind: "write", tenantId: t.tenantId, sessionId: onResponse },
    ]);
    const before = await apiUsed(org);
    await queue.drain();
    expect((await apiUsed(org)) - before).toBe(1);

    const [conversation] = await records(org, "iAdvize_Conversation__c");
    expect(conversation).toMatchObject({ Conversation_Id__c: conversationId, Survey_Id__c: "after-call", Survey_Status__c: "completed", Survey_Score_1__c: 4 });
    expect(conversation?.Survey_Completed_At__c).toEqual((await session(onConversation))?.ended_at);
    const answers = JSON.parse(String(conversation?.Survey_Answers__c)) as { answers: { element: string; answer: string; value: unknown }[]; variables: Record<string, string> };
    expect(answers.answers.map((a) => [a.element, a.answer])).toEqual([["nps", "4"], ["reason", "Waiting time"], ["recontact", "yes"], ["comment", "Call me after 6pm"]]);
    // The variables in clear only: the email stays sealed in D1.
    expect(answers.variables).toEqual({ agentId: "45012" });

    const [response] = await records(org, "iAdvize_Survey_Response__c");
    expect(response).toMatchObject({ Session_Id__c: onResponse, Client_Reference__c: reference, Status__c: "completed", Score_1__c: 10 });
    expect(await session(onConversation)).toMatchObject({ sf_status: "written", sf_record_id: conversation?.Id });
    expect(await session(onResponse)).toMatchObject({ sf_status: "written", sf_record_id: response?.Id });
  });

  it("an outage keeps the results pending and the write is retried", async () => {
    const org = await newOrg();
    const t = await surveyTenant({}, { salesforce: salesforceSettings(org) });
    const id = await answered(t, crypto.randomUUID(), ["10"]);
    await sfFaults(org, { fail503: 10 });
    const { createExecutionContext, createMessageBatch, getQueueResult } = await import("cloudflare:test");
    const worker = (await import("../../src/index.ts")).default;
    const batch = createMessageBatch("survey-work", [{ id: "w1", timestamp: new Date(), attempts: 1, body: { kind: "write", tenantId: t.tenantId, sessionId: id } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["w1"]);
    expect(await session(id)).toMatchObject({ sf_status: "pending" });
    await sfFaults(org, { fail503: 0 });
    const again = createMessageBatch("survey-work", [{ id: "w2", timestamp: new Date(), attempts: 2, body: { kind: "write", tenantId: t.tenantId, sessionId: id } }]);
    await worker.queue(again, env);
    expect(await session(id)).toMatchObject({ sf_status: "written" });
  }, 40_000);
});
