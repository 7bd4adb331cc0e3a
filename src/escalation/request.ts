// A bot asks for a callback: consent, the number, the repeat window, the rate limits,
// then the call-centre platform within the deadline; what happened, as the bot maps it.
import type { EscalationConfig } from "./config.ts";
import type { AttemptDeps } from "./attempt.ts";
import { attempt } from "./attempt.ts";
import type { EscalationInput } from "./inputs.ts";
import { languageOf, message } from "./messages.ts";
import type { Language, MessageKey } from "./messages.ts";
import { checkPhone } from "../outreach/phone.ts";
import { withinDeadline } from "../outreach/deadline.ts";
import { providerFor } from "./providers/index.ts";
import { outcomeOf } from "./answer.ts";
import type { EscalationStatus } from "./store.ts";
import { numberHash, requestHash } from "../outreach/hashes.ts";
import { hashingKey } from "../outreach/hashing-key.ts";
import { findRecent, insertRefusal, insertWithinLimitsUnlessRecent, sealDetails } from "./store.ts";

export type EscalationSettings = EscalationConfig;

export interface EscalationAnswer {
  status: "scheduled" | "invalid_phone" | "rejected" | "pending";
  reason?: string;
  message: string;
  escalationId?: string;
  callbackId?: string;
  /** The number as understood, to show the visitor. */
  phone?: string;
}

export interface RequestDeps extends AttemptDeps {
  keys: readonly string[];
  tenantId: string;
  /** How long the bot's answer may wait for the platform. */
  deadlineMs: number;
  waitUntil: (p: Promise<unknown>) => void;
}

function answer(
  language: Language,
  settings: EscalationSettings,
  status: EscalationAnswer["status"],
  key: MessageKey,
  extra: Omit<EscalationAnswer, "status" | "message"> = {},
  options?: readonly string[],
): EscalationAnswer {
  const reason = status === "scheduled" || status === "pending" ? {} : { reason: key };
  return { status, ...reason, message: message(language, key, settings.messages, { phone: extra.phone ?? "", ...(options ? { options } : {}) }), ...extra };
}

/** The answer for an escalation as recorded: a new one, or the first of a repeated request. */
function answerFor(status: EscalationStatus, reason: string | null, reference: string | null, id: string, language: Language, settings: EscalationSettings, phone: string): EscalationAnswer {
  const o = outcomeOf(status, reason);
  return answer(language, settings, o.status, o.key, { escalationId: id, phone, ...(o.status === "scheduled" ? { callbackId: reference ?? id } : {}) });
}

export async function requestCallback(deps: RequestDeps, settings: EscalationSettings, input: EscalationInput): Promise<EscalationAnswer> {
  const language = languageOf(input.language, settings.language);
  const now = deps.now();
  const provider = providerFor(settings.provider);

  // Refused before any call, and recorded for the audit: the raw input only as a keyed hash.
  const refuse = async (reason: MessageKey, options?: readonly string[]): Promise<EscalationAnswer> => {
    const id = crypto.randomUUID();
    const raw = await numberHash(await hashingKey(deps.db, deps.keys), deps.tenantId, input.phone.trim());
    await insertRefusal(deps.db, { id, tenantId: deps.tenantId, conversationId: input.conversationId, provider: provider.name, phoneHash: raw, idemHash: id, details: "", country: null, language, consent: input.consent, now, status: "rejected", reason });
    return answer(language, settings, outcomeOf("rejected", reason).status, reason, { escalationId: id }, options);
  };
  if (settings.requireConsent && input.consent !== true) return refuse("consent_required");

  const phone = checkPhone(input.phone, settings.defaultCountry, settings.allowedCountries);
  if (!phone.ok) return refuse(phone.problem, phone.candidates);
  // Dropping the extension would call the switchboard, not the person: refused where the platform cannot dial one.
  if (phone.extension && !provider.extensions) return refuse("extension_not_supported");

  const hashKey = await hashingKey(deps.db, deps.keys);
  const [phoneKey, idem] = await Promise.all([numberHash(hashKey, deps.tenantId, phone.e164), requestHash(hashKey, deps.tenantId, phone.e164, input.conversationId)]);
  const windowStart = new Date(now.getTime() - settings.idempotencyMinutes * 60_000);
  const earlier = await findRecent(deps.db, deps.tenantId, idem, windowStart);
  if (earlier) return answerFor(earlier.status, earlier.reason, earlier.provider_ref, earlier.id, language, settings, phone.display);

  const id = crypto.randomUUID();
  const details = await sealDetails(deps.keys, id, {
    phone: phone.e164,
    display: phone.display,
    ...(phone.extension ? { extension: phone.extension } : {}),
    ...(input.visitorName ? { visitorName: input.visitorName } : {}),
    ...(input.reason ? { reason: input.reason } : {}),
    ...(input.preferredTime ? { preferredTime: input.preferredTime } : {}),
  });
  const row = {
    id,
    tenantId: deps.tenantId,
    conversationId: input.conversationId,
    provider: provider.name,
    phoneHash: phoneKey,
    idemHash: idem,
    details,
    country: phone.country,
    language,
    consent: input.consent,
    now,
  };

  if (!(await insertWithinLimitsUnlessRecent(deps.db, { ...row, status: "requested", reason: null }, settings, windowStart))) {
    // A concurrent repeat of the same request got in first, or a limit is reached.
    const first = await findRecent(deps.db, deps.tenantId, idem, windowStart);
    if (first) return answerFor(first.status, first.reason, first.provider_ref, first.id, language, settings, phone.display);
    await insertRefusal(deps.db, { ...row, idemHash: id, status: "rejected", reason: "rate_limited" });
    return answer(language, settings, "rejected", "rate_limited", { escalationId: id, phone: phone.display });
  }

  const call = attempt(deps, provider, {
    escalationId: id,
    tenantId: deps.tenantId,
    phone: phone.e164,
    extension: phone.extension,
    visitorName: input.visitorName,
    reason: input.reason,
    preferredTime: input.preferredTime,
    language,
    conversationId: input.conversationId,
  }, 1);
  const first = await withinDeadline(call, deps.deadlineMs, deps.waitUntil);
  // Too slow for the bot: the call goes on, and is recorded when it ends.
  if (first === "deadline") return answer(language, settings, "pending", "pending", { escalationId: id, phone: phone.display });
  return answerFor(first.status, first.reason, first.reference, id, language, settings, phone.display);
}
