// Sends a survey to a number: the number checked, opt-outs and the daily cap respected,
// the session and its first SMS stored in one D1 batch, then the first SMS queued (the
// queue sends the others two seconds apart). A repeated send returns the first one.
import { numberHash as phoneHash } from "../outreach/hashes.ts";
import { hashingKey } from "../outreach/hashing-key.ts";
import { hmacSha256Hex } from "../lib/hmac.ts";
import { log } from "../log.ts";
import type { Language, Survey } from "./definition.ts";
import { sessionLanguage, start } from "./engine.ts";
import { checkMobile } from "../outreach/mobile.ts";
import { isOptedOut } from "./optouts.ts";
import { groupStatements } from "./outbox.ts";
import type { SurveySettings } from "./providers/types.ts";
import type { SurveyMessage } from "./queue.ts";
import type { Origin, SessionStatus } from "./sessions.ts";
import { insertSessionStatement, sealContact, sessionByOrigin, supersedeStatement } from "./sessions.ts";
import { splitVariables } from "./variables.ts";

const HOUR = 3_600_000;
export const ADVISED_MAX_EXPIRY_HOURS = 24;

export interface SendDeps {
  db: D1Database;
  keys: readonly string[];
  queue: Queue<SurveyMessage>;
  now: Date;
}

export interface SendRequest {
  surveyId: string;
  phone: string;
  origin: Origin;
  /** What makes a repeat the same send; none: every request is a new send. */
  repeatKey?: string;
  clientReference?: string;
  conversationId?: string | null;
  escalationId?: string | null;
  expiresAt?: Date;
  variables: readonly { key: string; value: string }[];
  content?: string;
  language?: string;
}

export type SendAnswer =
  | { status: "sending"; sessionId: string; surveyId: string; language: Language; expiresAt: string; messages: number; warnings: string[] }
  | { status: "repeated"; sessionId: string; surveyId: string; sessionStatus: SessionStatus; expiresAt: string }
  | { status: "not_sent"; reason: "unknown_survey" | "invalid_phone" | "opted_out" | "rate_limited" | "expiry_in_past"; problem?: string };

export function surveyOf(settings: SurveySettings, id: string): Survey | undefined {
  return settings.definitions.find((d) => d.id === id);
}

export async function sendSurvey(deps: SendDeps, tenantId: string, settings: SurveySettings, req: SendRequest): Promise<SendAnswer> {
  const survey = surveyOf(settings, req.surveyId);
  if (!survey) return { status: "not_sent", reason: "unknown_survey" };
  const phone = checkMobile(req.phone, settings.defaultCountry, settings.allowedCountries);
  if (!phone.ok) return { status: "not_sent", reason: "invalid_phone", problem: phone.problem };
  const hashKey = await hashingKey(deps.db, deps.keys);
  const hash = await phoneHash(hashKey, tenantId, phone.e164);
  const originKey = req.repeatKey
    ? `${req.origin}:${await hmacSha256Hex(hashKey, `${tenantId}:${req.surveyId}:${req.repeatKey}:${hash}`)}`
    : `${req.origin}:${crypto.randomUUID()}`;

  const earlier = await sessionByOrigin(deps.db, tenantId, originKey);
  if (earlier) return { status: "repeated", sessionId: earlier.id, surveyId: earlier.survey_id, sessionStatus: earlier.status, expiresAt: earlier.expires_at };
  if (await isOptedOut(deps.db, tenantId, hash)) return { status: "not_sent", reason: "opted_out" };
  const expiresAt = req.expiresAt ?? new Date(deps.now.getTime() + settings.defaultExpiryHours * HOUR);
  if (expiresAt.getTime() <= deps.now.getTime()) return { status: "not_sent", reason: "expiry_in_past" };
  const warnings = expiresAt.getTime() - deps.now.getTime() > ADVISED_MAX_EXPIRY_HOURS * HOUR ? ["expiry_over_24h"] : [];

  const language = sessionLanguage(survey, req.language);
  const step = start(survey, language, req.content);
  const id = crypto.randomUUID();
  const { clear, sealed } = splitVariables(req.variables);
  const group = await groupStatements(deps.db, deps.keys, { tenantId, sessionId: id, phoneHash: hash, to: phone.e164, messages: step.messages, step: id, now: deps.now });
  const results = await deps.db.batch([
    insertSessionStatement(deps.db, {
      id,
      tenantId,
      surveyId: survey.id,
      current: step.current,
      status: "active",
      language,
      origin: req.origin,
      originKey,
      clientReference: req.clientReference ?? null,
      conversationId: req.conversationId ?? null,
      escalationId: req.escalationId ?? null,
      phoneHash: hash,
      contact: await sealContact(deps.keys, id, { phone: phone.e164, variables: sealed }),
      variables: clear,
      expiresAt,
      purgeAt: new Date(deps.now.getTime() + settings.retentionDays * 24 * HOUR),
      now: deps.now,
    }, settings.perNumberPerDay),
    supersedeStatement(deps.db, tenantId, hash, id, deps.now),
    ...group.statements,
  ]);
  if ((results[0]?.meta.changes ?? 0) === 0) {
    // A concurrent repeat got in first: its SMS are the ones sent (ours were not written).
    const first = await sessionByOrigin(deps.db, tenantId, originKey);
    if (first) return { status: "repeated", sessionId: first.id, surveyId: first.survey_id, sessionStatus: first.status, expiresAt: first.expires_at };
    // Otherwise the number had its surveys of the day (counted in the same statement).
    return { status: "not_sent", reason: "rate_limited" };
  }
  try {
    await deps.queue.send({ kind: "sms", tenantId, outboxId: group.firstId });
  } catch {
    // Kept in D1: the scheduled re-drive queues it.
    log.warn("survey.enqueue_failed", { tenantId, sessionId: id });
  }
  log.info("survey.sent", { tenantId, sessionId: id, surveyId: survey.id, origin: req.origin, messages: step.messages.length });
  return { status: "sending", sessionId: id, surveyId: survey.id, language, expiresAt: expiresAt.toISOString(), messages: step.messages.length, warnings };
}
