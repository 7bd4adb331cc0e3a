// Surveys the connector starts itself, per tenant setting: after a chat-to-call escalation
// whose callback was scheduled, and after a closed conversation whose visitor gave a
// mobile number and consent. The hooks only read the setting (clear JSON, no decryption)
// and queue a message; the queue consumer starts the survey.
import type { Config } from "../env.ts";
import { get as getEscalation, openDetails } from "../escalation/store.ts";
import { iadvizeClientFor } from "../iadvize/for-tenant.ts";
import { errorFields, log } from "../log.ts";
import { resolveContact } from "../qualification/contact.ts";
import { getTenantConfig } from "../tenants/store.ts";
import type { SurveyMessage } from "./queue.ts";
import { sendSurvey } from "./send.ts";
import type { SendAnswer } from "./send.ts";

type Trigger = "afterCallback" | "afterConversation";

/** Minutes to wait before the survey, when the tenant has this trigger; null when not. */
async function triggerDelay(db: D1Database, tenantId: string, trigger: Trigger): Promise<number | null> {
  const row = await db
    .prepare(`SELECT json_extract(settings, ?2) AS t FROM tenants WHERE id = ?1`)
    .bind(tenantId, `$.surveys.triggers.${trigger}`)
    .first<{ t: string | null }>();
  if (!row?.t) return null;
  const delay = (JSON.parse(row.t) as { delayMinutes?: unknown }).delayMinutes;
  return typeof delay === "number" ? delay : 0;
}

async function queueTrigger(db: D1Database, queue: Queue<SurveyMessage>, tenantId: string, trigger: Trigger, message: SurveyMessage): Promise<void> {
  try {
    const delay = await triggerDelay(db, tenantId, trigger);
    if (delay === null) return;
    await queue.send(message, { delaySeconds: delay * 60 });
  } catch (err) {
    // Never a reason for the escalation or the event to fail.
    log.warn("survey.trigger_not_queued", { tenantId, trigger, ...errorFields(err) });
  }
}

/** The escalation hook: a callback was scheduled. */
export function surveyAfterCallback(db: D1Database, queue: Queue<SurveyMessage>, tenantId: string, escalationId: string): Promise<void> {
  return queueTrigger(db, queue, tenantId, "afterCallback", { kind: "after_callback", tenantId, escalationId });
}

/** The event consumer's hook: conversations just closed. */
export async function surveysAfterClose(db: D1Database, queue: Queue<SurveyMessage>, closed: readonly { tenantId: string; conversationId: string }[]): Promise<void> {
  for (const c of closed) await queueTrigger(db, queue, c.tenantId, "afterConversation", { kind: "after_conversation", tenantId: c.tenantId, conversationId: c.conversationId });
}

const YES = new Set(["true", "yes", "oui", "1", "y", "ja"]);

export async function startTriggered(
  db: D1Database,
  config: Config,
  queue: Queue<SurveyMessage>,
  message: Extract<SurveyMessage, { kind: "after_callback" | "after_conversation" }>,
  now: Date,
): Promise<SendAnswer | { status: "skipped"; reason: string }> {
  const tenant = await getTenantConfig(db, config.ENCRYPTION_KEY, message.tenantId);
  const settings = tenant?.surveys;
  const deps = { db, keys: config.ENCRYPTION_KEY, queue, now };
  if (message.kind === "after_callback") {
    const trigger = settings?.triggers.afterCallback;
    const row = await getEscalation(db, message.escalationId);
    if (!settings || !trigger) return { status: "skipped", reason: "not_configured" };
    if (!row || row.tenant_id !== message.tenantId || row.status !== "scheduled") return { status: "skipped", reason: "no_scheduled_callback" };
    const details = await openDetails(config.ENCRYPTION_KEY, row);
    return sendSurvey(deps, message.tenantId, settings, {
      surveyId: trigger.surveyId,
      phone: details.phone,
      origin: "callback",
      repeatKey: row.id,
      clientReference: row.conversation_id ?? row.id,
      conversationId: row.conversation_id,
      escalationId: row.id,
      variables: [{ key: "consumerChannel", value: "Phone" }, ...(row.conversation_id ? [{ key: "consumerSession", value: row.conversation_id }] : [])],
      language: row.language,
    });
  }
  const trigger = settings?.triggers.afterConversation;
  if (!tenant || !settings || !trigger) return { status: "skipped", reason: "not_configured" };
  const conversation = await iadvizeClientFor(db, config, message.tenantId, tenant).conversation(message.conversationId);
  if (!conversation) return { status: "skipped", reason: "conversation_not_found" };
  const consent = conversation.customData[trigger.consentKey];
  if (consent === undefined || !YES.has(String(consent).trim().toLowerCase())) return { status: "skipped", reason: "no_consent" };
  const phone = resolveContact(conversation.visitor, conversation.customData, {}, {}).phone;
  if (!phone) return { status: "skipped", reason: "no_phone" };
  return sendSurvey(deps, message.tenantId, settings, {
    surveyId: trigger.surveyId,
    phone: phone.value,
    origin: "conversation",
    repeatKey: conversation.id,
    clientReference: conversation.id,
    conversationId: conversation.id,
    variables: [{ key: "consumerChannel", value: conversation.channel ?? "CHAT" }, { key: "consumerSession", value: conversation.id }],
    ...(conversation.language ? { language: conversation.language } : {}),
  });
}
