// A bot asks for a callback: consent, the number, the repeat window, the rate limits,
// then the call-centre platform within the deadline; what happened, as the bot maps it.
import type { EscalationConfig } from "./config.ts";
import type { AttemptDeps, Recorded } from "./attempt.ts";
import { attempt } from "./attempt.ts";
import type { EscalationInput } from "./inputs.ts";
import { languageOf, message } from "./messages.ts";
import type { Language, MessageKey } from "./messages.ts";
import { checkPhone } from "./phone.ts";
import { providerFor } from "./providers/index.ts";
import type { EscalationRow } from "./store.ts";
import { counts, findRecent, idemHash, insertUnlessRecent, phoneHash, sealDetails } from "./store.ts";

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

function answer(language: Language, settings: EscalationSettings, status: EscalationAnswer["status"], key: MessageKey, extra: Omit<EscalationAnswer, "status" | "message"> = {}): EscalationAnswer {
  const reason = status === "scheduled" || status === "pending" ? {} : { reason: key };
  return { status, ...reason, message: message(language, key, settings.messages, { phone: extra.phone ?? "" }), ...extra };
}

/** The answer for an escalation already made, when the bot repeats its request. */
function answerForRow(row: EscalationRow, language: Language, settings: EscalationSettings, phone: string): EscalationAnswer {
  const ids = { escalationId: row.id, phone };
  switch (row.status) {
    case "scheduled":
      return answer(language, settings, "scheduled", "scheduled", { ...ids, callbackId: row.provider_ref ?? row.id });
    case "rejected":
      if (row.reason === "number_refused") return answer(language, settings, "invalid_phone", "number_refused", ids);
      return answer(language, settings, "rejected", row.reason === "rate_limited" ? "rate_limited" : "provider_refused", ids);
    case "failed":
      return answer(language, settings, "rejected", "provider_refused", ids);
    default:
      return answer(language, settings, "pending", "pending", ids);
  }
}

function answerForAttempt(r: Recorded, id: string, language: Language, settings: EscalationSettings, phone: string): EscalationAnswer {
  const ids = { escalationId: id, phone };
  switch (r.status) {
    case "scheduled":
      return answer(language, settings, "scheduled", "scheduled", { ...ids, callbackId: r.reference ?? id });
    case "rejected":
      return r.reason === "number_refused" ? answer(language, settings, "invalid_phone", "number_refused", ids) : answer(language, settings, "rejected", "provider_refused", ids);
    default:
      return answer(language, settings, "pending", "pending", ids);
  }
}

export async function requestCallback(deps: RequestDeps, settings: EscalationSettings, input: EscalationInput): Promise<EscalationAnswer> {
  const language = languageOf(input.language, settings.language);
  const now = deps.now();
  const provider = providerFor(settings.provider);

  // Refused before any call, and recorded for the audit: the raw input only as a keyed hash.
  const refuse = async (status: "rejected" | "invalid_phone", reason: MessageKey): Promise<EscalationAnswer> => {
    const id = crypto.randomUUID();
    const raw = await phoneHash(deps.keys, deps.tenantId, input.phone.trim());
    await insertUnlessRecent(
      deps.db,
      { id, tenantId: deps.tenantId, conversationId: input.conversationId, provider: provider.name, phoneHash: raw, idemHash: id, details: "", country: null, language, consent: input.consent, now, status: "rejected", reason },
      now,
    );
    return answer(language, settings, status, reason, { escalationId: id });
  };
  if (settings.requireConsent && input.consent !== true) return refuse("rejected", "consent_required");

  const phone = checkPhone(input.phone, settings.defaultCountry, settings.allowedCountries);
  if (!phone.ok) return refuse("invalid_phone", phone.problem);

  const [phoneKey, idem] = await Promise.all([phoneHash(deps.keys, deps.tenantId, phone.e164), idemHash(deps.keys, deps.tenantId, phone.e164, input.conversationId)]);
  const windowStart = new Date(now.getTime() - settings.idempotencyMinutes * 60_000);
  const earlier = await findRecent(deps.db, deps.tenantId, idem, windowStart);
  if (earlier) return answerForRow(earlier, language, settings, phone.display);

  const id = crypto.randomUUID();
  const details = await sealDetails(deps.keys, id, {
    phone: phone.e164,
    display: phone.display,
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

  const used = await counts(deps.db, deps.tenantId, phoneKey, new Date(now.getTime() - 86_400_000), new Date(now.getTime() - 60_000));
  if (used.number >= settings.perNumberPerDay || used.tenant >= settings.perTenantPerMinute) {
    await insertUnlessRecent(deps.db, { ...row, status: "rejected", reason: "rate_limited" }, now);
    return answer(language, settings, "rejected", "rate_limited", { escalationId: id, phone: phone.display });
  }

  if (!(await insertUnlessRecent(deps.db, { ...row, status: "requested", reason: null }, windowStart))) {
    // A concurrent repeat of the same request got in first.
    const first = await findRecent(deps.db, deps.tenantId, idem, windowStart);
    return first ? answerForRow(first, language, settings, phone.display) : answer(language, settings, "pending", "pending", { phone: phone.display });
  }

  const call = attempt(deps, provider, {
    escalationId: id,
    tenantId: deps.tenantId,
    phone: phone.e164,
    visitorName: input.visitorName,
    reason: input.reason,
    preferredTime: input.preferredTime,
    language,
    conversationId: input.conversationId,
  }, 1);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"deadline">((resolve) => {
    timer = setTimeout(() => resolve("deadline"), deps.deadlineMs);
  });
  const first = await Promise.race([call, deadline]);
  clearTimeout(timer);
  if (first === "deadline") {
    // Too slow for the bot: the call goes on, and is recorded when it ends.
    deps.waitUntil(call.catch(() => undefined));
    return answer(language, settings, "pending", "pending", { escalationId: id, phone: phone.display });
  }
  return answerForAttempt(first, id, language, settings, phone.display);
}
