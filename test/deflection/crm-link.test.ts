// Back into the CRM, through the Worker: an IVR moves a caller to messaging; later the
// caller's messaging conversation arrives as signed webhooks (v2.conversation.pushed on
// SMS or WhatsApp, then closed); the Conversation record in the emulated Salesforce shows
// that it started from the IVR, when, why and on which channel. A chat, another number,
// or a conversation outside the window (too late, or begun before the call) shows nothing of it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEMO_MAPPING } from "../emulators/salesforce/seed.ts";
import { CAR_DEALER } from "../emulators/iadvize/seed.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { admin } from "../helpers/admin.ts";
import { ask, messagingAccount, messaging, mobile, row } from "../helpers/deflection.ts";
import { newUser, seedConversation } from "../helpers/iadvize.ts";
import { uniqueProjectId } from "../helpers/ids.ts";
import { newOrg, records, salesforceSettings } from "../helpers/salesforce.ts";
import { waitFor } from "../helpers/wait.ts";
import { fresh, sendEvent } from "../helpers/webhook.ts";

async function tenantWithDeflection(extra: Record<string, unknown> = {}) {
  const projectId = uniqueProjectId();
  const tenantId = `ha-${projectId}`;
  const org = await newOrg();
  const account = `link-${crypto.randomUUID().slice(0, 8)}`;
  await messagingAccount(account, { secret: "link-secret" });
  const key = `dfl_${crypto.randomUUID().replaceAll("-", "")}`;
  const res = await admin("PUT", `/tenants/${tenantId}`, {
    iadvize: await newUser(),
    salesforce: salesforceSettings(org),
    mapping: DEMO_MAPPING,
    deflection: { key, provider: { type: "webhook", url: `${messaging()}/webhook/${account}`, secret: "link-secret" }, defaultCountry: "FR", allowedCountries: ["FR"], ...extra },
  });
  if (res.status !== 201) throw new Error(`tenant: ${res.status} ${await res.text()}`);
  return { tenantId, projectId, org, key };
}

/** The visitor's messaging conversation, as iAdvize would send it: pushed, then closed. */
async function messagingConversation(t: { projectId: number }, channel: string, phone: string, startedAt: Date) {
  const seeded = await seedConversation({ projectId: t.projectId, channel, createdAt: startedAt.toISOString(), visitor: { ...CAR_DEALER.visitor, id: crypto.randomUUID(), phoneNumber: phone } });
  const common = { projectId: t.projectId, conversationId: seeded.id, visitorId: seeded.visitor.id, channel, createdAt: startedAt.toISOString() };
  expect((await sendEvent(fresh(fixtures.conversationPushed, common))).status).toBe(200);
  expect((await sendEvent(fresh(fixtures.conversationClosed, { ...common, createdAt: new Date(startedAt.getTime() + 60_000).toISOString() }))).status).toBe(200);
  return seeded.id;
}

async function synced(tenantId: string, conversationId: string) {
  await waitFor(
    () => env.DB.prepare("SELECT 1 AS x FROM conversations WHERE tenant_id = ? AND conversation_id = ? AND sync_status = 'synced'").bind(tenantId, conversationId).first(),
    { timeoutMs: 30_000, what: "the conversation synced" },
  );
}

const recordOf = async (org: Awaited<ReturnType<typeof newOrg>>, conversationId: string) =>
  (await records(org, "iAdvize_Conversation__c")).find((r) => r.Conversation_Id__c === conversationId);

describe("deflection → Conversation record", () => {
  it("a messaging conversation from the number the IVR wrote to shows on Salesforce as started from the IVR, when, why and on which channel", async () => {
    const t = await tenantWithDeflection();
    const phone = mobile();
    const a = await ask(t.key, { phone: `0${phone.slice(3, 4)} ${phone.slice(4)}`, optIn: true, reason: "a damaged parcel" });
    expect(a).toMatchObject({ status: "sent", channel: "SMS" });
    const deflectedAt = (await row(a.deflectionId))?.created_at;

    // The visitor's profile has the number in international form; the IVR had it in national form.
    const conversationId = await messagingConversation(t, "SMS", phone, new Date(Date.now() + 60_000));
    await synced(t.tenantId, conversationId);
    expect(await recordOf(t.org, conversationId)).toMatchObject({
      IVR_Deflection_Id__c: a.deflectionId,
      IVR_Deflected_At__c: deflectedAt,
      IVR_Deflection_Reason__c: "a damaged parcel",
      IVR_Deflection_Channel__c: "SMS",
    });
    expect(await row(a.deflectionId)).toMatchObject({ conversation_id: conversationId });
    const audit = await (await admin("GET", `/tenants/${t.tenantId}/deflections`)).json<{ deflections: Record<string, unknown>[] }>();
    expect(audit.deflections[0]).toMatchObject({ id: a.deflectionId, outcome: "sent", channel: "SMS", conversationId });
    expect(JSON.stringify(audit)).not.toContain(phone.slice(4));
  });

  it("a chat from the same number, another number's WhatsApp, an SMS after the window or one begun before the call shows nothing of the IVR", async () => {
    const t = await tenantWithDeflection({ linkHours: 2 });
    const phone = mobile();
    expect(await ask(t.key, { phone, optIn: true, reason: "billing" })).toMatchObject({ status: "sent" });
    const chat = await messagingConversation(t, "CHAT", phone, new Date());
    const other = await messagingConversation(t, "WHATSAPP", mobile(), new Date());
    const late = await messagingConversation(t, "SMS", phone, new Date(Date.now() + 3 * 3_600_000));
    const before = await messagingConversation(t, "SMS", phone, new Date(Date.now() - 3_600_000));
    for (const id of [chat, other, late, before]) {
      await synced(t.tenantId, id);
      const record = await recordOf(t.org, id);
      expect(record, id).toBeDefined();
      expect(record?.IVR_Deflection_Id__c ?? null, id).toBeNull();
    }
  });
});
