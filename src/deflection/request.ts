// An IVR asks to move a caller to messaging: consent, the number (a mobile of a served
// country), the callId seen before, the limits, then the messaging platform within the
// IVR's deadline; what happened, with a sentence the IVR can read out.
import { AppError } from "../errors.ts";
import { hashingKey } from "../outreach/hashing-key.ts";
import { callHash, numberHash } from "../outreach/hashes.ts";
import { checkMobile } from "../outreach/mobile.ts";
import { withinDeadline } from "../outreach/deadline.ts";
import { outcomeOf } from "./answer.ts";
import type { AnswerStatus, DeflectionStatus } from "./answer.ts";
import { attempt } from "./attempt.ts";
import type { AttemptDeps } from "./attempt.ts";
import { OPT_IN_CHANNELS, PLATFORMS } from "./config.ts";
import type { DeflectionConfig, Mode, Platform } from "./config.ts";
import type { DeflectionInput } from "./inputs.ts";
import { languageOf, prompt } from "./prompts.ts";
import type { Language } from "./prompts.ts";
import { providerFor } from "./providers/index.ts";
import type { MessageRequest } from "./providers/types.ts";
import { findByCall, recordRefusal, insertWithinLimitsUnlessSameCall, sealDetails } from "./store.ts";
import type { DeflectionRow, Details } from "./store.ts";
import { textsFor } from "./texts.ts";

export interface DeflectionAnswer {
  status: AnswerStatus;
  reason?: string;
  channel?: Platform;
  deflectionId: string;
  prompt: string;
}

export interface RequestDeps extends AttemptDeps {
  keys: readonly string[];
  tenantId: string;
  /** How long the IVR's answer may wait for the platform. */
  deadlineMs: number;
  waitUntil: (p: Promise<unknown>) => void;
}

/** How long a callId is remembered: longer than any IVR retries a request. */
const CALL_ID_WINDOW_MS = 86_400_000;

const asPlatform = (c: string | null): Platform | undefined => (PLATFORMS as readonly string[]).includes(c ?? "") ? (c as Platform) : undefined;

/** The answer for a deflection as recorded: a new one, or the first of a repeated callId. */
function answerFor(id: string, status: DeflectionStatus, reason: string | null, channel: string | null, language: Language, settings: DeflectionConfig): DeflectionAnswer {
  const o = outcomeOf(status, reason);
  const used = o.status === "sent" ? asPlatform(channel) : undefined;
  return { status: o.status, ...(o.reason ? { reason: o.reason } : {}), ...(used ? { channel: used } : {}), deflectionId: id, prompt: prompt(language, o.status, settings.prompts, used) };
}

/** Consent is needed unless every channel of the precedence is one the customer opened themselves (Apple, Google). */
const needsOptIn = (settings: Pick<DeflectionConfig, "channels">) => settings.channels.some((c) => OPT_IN_CHANNELS.has(c.platform));

/** The platform request for a deflection, from its sealed details and the tenant's settings. */
export function messageRequest(id: string, tenantId: string, mode: Mode, language: Language, details: Details, settings: DeflectionConfig): MessageRequest {
  return {
    deflectionId: id,
    tenantId,
    phone: details.phone,
    mode,
    channels: settings.channels,
    texts: textsFor(language, settings, details),
    reason: details.reason,
    topic: details.topic,
    language,
    conversationFields: details.conversationFields,
    customerFields: details.customerFields,
  };
}

export async function requestDeflection(deps: RequestDeps, settings: DeflectionConfig, input: DeflectionInput): Promise<DeflectionAnswer> {
  const language = languageOf(input.language, settings.language);
  const mode = input.mode ?? settings.mode;
  const now = deps.now();
  const provider = providerFor(settings.provider);
  const hashKey = await hashingKey(deps.db, deps.keys);
  const base = { tenantId: deps.tenantId, provider: provider.name, mode, language, consent: input.optIn, now };

  // Refused before any message, and counted for the audit (per reason and minute): nothing of the input kept.
  const refuse = async (reason: string, country: string | null = null): Promise<DeflectionAnswer> => {
    const id = crypto.randomUUID();
    const counted = await recordRefusal(deps.db, { ...base, id, phoneHash: "", idemHash: id, details: "", country, status: "rejected", reason });
    return answerFor(counted, "rejected", reason, null, language, settings);
  };
  if (input.optIn !== true && needsOptIn(settings)) return refuse("consent_required");
  const phone = checkMobile(input.phone, settings.defaultCountry, settings.allowedCountries);
  if (!phone.ok) return refuse(phone.problem);

  const id = crypto.randomUUID();
  const [phoneHash, idemHash] = await Promise.all([numberHash(hashKey, deps.tenantId, phone.e164), input.callId ? callHash(hashKey, deps.tenantId, input.callId) : id]);
  const since = new Date(now.getTime() - CALL_ID_WINDOW_MS);
  // A repeat of the call answers as the first time; the callId with another number is no repeat, and no message went to that number.
  const repeated = (row: DeflectionRow): DeflectionAnswer => {
    if (row.phone_hash !== phoneHash) throw new AppError("conflict", "This callId was already used with another number: send each call's own callId.");
    return answerFor(row.id, row.status, row.reason, row.channel, language, settings);
  };
  if (input.callId) {
    const earlier = await findByCall(deps.db, deps.tenantId, idemHash, since);
    if (earlier) return repeated(earlier);
  }
  const details: Details = {
    phone: phone.e164,
    ...(input.reason ? { reason: input.reason } : {}),
    ...(input.topic ? { topic: input.topic } : {}),
    conversationFields: input.conversationFields,
    customerFields: input.customerFields,
  };
  const row = { ...base, id, phoneHash, idemHash, details: await sealDetails(deps.keys, id, details), country: phone.country };
  if (!(await insertWithinLimitsUnlessSameCall(deps.db, { ...row, status: "requested", reason: null }, settings, since))) {
    // A concurrent request with the same callId got in first, or a limit is reached.
    const first = input.callId ? await findByCall(deps.db, deps.tenantId, idemHash, since) : null;
    if (first) return repeated(first);
    const counted = await recordRefusal(deps.db, { ...row, idemHash: id, status: "rejected", reason: "rate_limited" });
    return answerFor(counted, "rejected", "rate_limited", null, language, settings);
  }

  const sent = attempt(deps, provider, messageRequest(id, deps.tenantId, mode, language, details, settings), 1);
  const first = await withinDeadline(sent, deps.deadlineMs, deps.waitUntil);
  // Too slow for the IVR: the request goes on, and is recorded when it ends.
  if (first === "deadline") return answerFor(id, "requested", null, null, language, settings);
  return answerFor(id, first.status, first.reason, first.channel, language, settings);
}
