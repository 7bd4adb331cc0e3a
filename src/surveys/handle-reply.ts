// A customer's SMS, verified, handled once: STOP and START, the session found by the
// number (or the session the provider echoes), the engine's outcome stored in one D1
// batch with the reply's message id (a redelivery hits that key and changes nothing),
// then the SMS to send queued. A reply racing another for the same session is read again.
import { numberHash as phoneHash } from "../outreach/hashes.ts";
import { hashingKey } from "../outreach/hashing-key.ts";
import { log } from "../log.ts";
import type { Survey } from "./definition.ts";
import { reply } from "./engine.ts";
import type { Outgoing } from "./engine.ts";
import { endSessionsStatement, isOptedOut, optInStatement, optOutStatement } from "./optouts.ts";
import { checkMobile } from "../outreach/mobile.ts";
import { groupStatements, noticeStatement } from "./outbox.ts";
import { pick } from "./render.ts";
import type { InboundSms, SurveySettings } from "./providers/types.ts";
import { isOptIn, isOptOut } from "./replies.ts";
import type { SurveyMessage } from "./queue.ts";
import { advanceStatement, insertAnswerStatement, latestSessionOf, sealAnswerText, sessionById } from "./sessions.ts";

export type InboundOutcome = "answered" | "completed" | "invalid" | "abandoned" | "unavailable" | "not_found" | "opted_out" | "opted_in" | "ignored" | "duplicate";

export interface InboundDeps {
  db: D1Database;
  keys: readonly string[];
  queue: Queue<SurveyMessage>;
  now: Date;
}

/** Notices (no survey found, unavailable) per number and day: an auto-responder cannot start an endless exchange. */
export const NOTICES_PER_DAY = 3;
const RACE_RETRIES = 3;

/** The note of a notice, read right after its conditional insert in the same batch. */
const NOTICE_NOTE = { sql: "CASE WHEN changes() > 0 THEN 'notice_queued' ELSE 'notice_capped' END" } as const;

function inboundStatement(
  db: D1Database, provider: string, sms: InboundSms, tenantId: string, sessionId: string | null, outcome: InboundOutcome, now: Date,
  step?: string, note?: string | typeof NOTICE_NOTE,
): D1PreparedStatement {
  const guard = step === undefined ? "" : `WHERE EXISTS (SELECT 1 FROM survey_sessions WHERE id = ?4 AND step = ?8)`;
  const noteSql = typeof note === "object" ? `coalesce(?7, ${note.sql})` : "?7";
  return db
    .prepare(`INSERT INTO survey_inbound (provider, message_id, tenant_id, session_id, outcome, received_at, note) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ${noteSql} ${guard}`)
    .bind(provider, sms.messageId, tenantId, sessionId, outcome, now.toISOString(), typeof note === "string" ? note : null, ...(step === undefined ? [] : [step]));
}

const isDuplicate = (err: unknown) => err instanceof Error && /UNIQUE constraint failed: survey_inbound/i.test(err.message);

export async function handleInbound(deps: InboundDeps, provider: string, tenantId: string, settings: SurveySettings, sms: InboundSms): Promise<InboundOutcome> {
  const seen = await deps.db.prepare(`SELECT 1 AS x FROM survey_inbound WHERE provider = ?1 AND tenant_id = ?2 AND message_id = ?3`).bind(provider, tenantId, sms.messageId).first("x");
  if (seen !== null) return "duplicate";
  try {
    for (let attempt = 1; ; attempt++) {
      const outcome = await tryHandle(deps, provider, tenantId, settings, sms);
      if (outcome !== "raced") {
        log.info("survey.reply", { tenantId, provider, outcome });
        return outcome;
      }
      if (attempt >= RACE_RETRIES) throw new Error("survey session kept changing while a reply was handled");
    }
  } catch (err) {
    if (isDuplicate(err)) return "duplicate";
    throw err;
  }
}

async function tryHandle(deps: InboundDeps, provider: string, tenantId: string, settings: SurveySettings, sms: InboundSms): Promise<InboundOutcome | "raced"> {
  const { db, keys, now } = deps;
  const hash = await phoneHash(await hashingKey(db, keys), tenantId, sms.from);
  if (isOptOut(sms.text) || sms.providerOptOut) {
    await db.batch([inboundStatement(db, provider, sms, tenantId, null, "opted_out", now), optOutStatement(db, tenantId, hash, "keyword", now), endSessionsStatement(db, tenantId, hash, now)]);
    await enqueueWrites(deps, tenantId, hash);
    return "opted_out";
  }
  if (isOptIn(sms.text)) {
    await db.batch([inboundStatement(db, provider, sms, tenantId, null, "opted_in", now), optInStatement(db, tenantId, hash)]);
    return "opted_in";
  }
  // Nothing may be sent to a number that opted out.
  if (await isOptedOut(db, tenantId, hash)) {
    await inboundStatement(db, provider, sms, tenantId, null, "ignored", now).run();
    return "ignored";
  }

  const echoed = sms.sessionId ? await sessionById(db, sms.sessionId) : null;
  const session = echoed && echoed.tenant_id === tenantId && echoed.phone_hash === hash ? echoed : await latestSessionOf(db, tenantId, hash);
  const survey = session ? settings.definitions.find((d) => d.id === session.survey_id) : undefined;
  const fallback = settings.definitions[0] as Survey;

  if (!session || !survey) {
    const messages = [{ kind: "notice" as const, text: pick(fallback.texts.notFound, fallback.defaultLanguage, fallback) }];
    return notice(deps, provider, tenantId, settings, hash, sms, null, "not_found", messages);
  }
  const outcome = reply(survey, { status: session.status, current: session.current_element, language: session.language, expiresAt: new Date(session.expires_at) }, sms.text, now);
  const step = crypto.randomUUID();

  if (outcome.kind === "unavailable") {
    if (session.status === "active") {
      // Expired (or its question removed from the survey): it ends now, and what was answered goes to Salesforce.
      const moved = await db.batch([advanceStatement(db, session, { step, status: "expired", current: null, endsSync: true }, now)]);
      if ((moved[0]?.meta.changes ?? 0) === 0) return "raced";
      await enqueue(deps, { kind: "write", tenantId, sessionId: session.id });
    }
    return notice(deps, provider, tenantId, settings, hash, sms, session.id, "unavailable", outcome.messages);
  }

  if (outcome.kind === "invalid" && session.invalid_replies + 1 >= settings.maxInvalidReplies) {
    // The last invalid reply allowed: the session ends without another SMS (an auto-responder
    // would answer each one), and what was answered goes to Salesforce.
    const results = await db.batch([
      advanceStatement(db, session, { step, status: "abandoned", current: null, endsSync: true, invalid: true }, now),
      inboundStatement(db, provider, sms, tenantId, session.id, "abandoned", now, step),
    ]);
    if ((results[0]?.meta.changes ?? 0) === 0) return "raced";
    await enqueue(deps, { kind: "write", tenantId, sessionId: session.id });
    return "abandoned";
  }

  const to = sms.from;
  const ended = outcome.kind === "answered" && outcome.current === null;
  const result: InboundOutcome = outcome.kind === "invalid" ? "invalid" : ended ? "completed" : "answered";
  const group = await groupStatements(db, keys, { tenantId, sessionId: session.id, phoneHash: hash, to, messages: outcome.messages, step, now });
  const statements = [
    advanceStatement(db, session, { step, status: ended ? "completed" : "active", current: outcome.kind === "answered" ? outcome.current : session.current_element, endsSync: ended, invalid: outcome.kind === "invalid" }, now),
    inboundStatement(db, provider, sms, tenantId, session.id, result, now, step),
    ...group.statements,
  ];
  if (outcome.kind === "answered") {
    const free = outcome.element.type === "free_text" && typeof outcome.value === "string";
    statements.push(
      insertAnswerStatement(db, session, step, {
        elementId: outcome.element.id,
        kind: outcome.element.type,
        value: outcome.value,
        sealedText: free ? await sealAnswerText(keys, session.id, outcome.element.id, String(outcome.value)) : null,
      }, now),
    );
  }
  const results = await db.batch(statements);
  if ((results[0]?.meta.changes ?? 0) === 0) return "raced";
  await enqueue(deps, { kind: "sms", tenantId, outboxId: group.firstId });
  if (ended) await enqueue(deps, { kind: "write", tenantId, sessionId: session.id });
  return result;
}

/**
 * A notice (no survey found, survey unavailable): only to a number a survey could be sent
 * to (a mobile in a country the tenant serves, no premium-rate line), and within the
 * number's and the tenant's daily caps. The reply's record says what became of it.
 */
async function notice(deps: InboundDeps, provider: string, tenantId: string, settings: SurveySettings, hash: string, sms: InboundSms, sessionId: string | null, outcome: "not_found" | "unavailable", messages: Outgoing[]): Promise<InboundOutcome> {
  const { db, keys, now } = deps;
  const phone = checkMobile(sms.from, settings.defaultCountry, settings.allowedCountries);
  const text = messages.map((m) => m.text).join("\n");
  if (!phone.ok || text === "") {
    const note = `notice_withheld:${phone.ok ? "no_text" : phone.problem}`;
    await inboundStatement(db, provider, sms, tenantId, sessionId, outcome, now, undefined, note).run();
    log.info("survey.notice_withheld", { tenantId, provider, reason: note });
    return outcome;
  }
  const queued = await noticeStatement(db, keys, { tenantId, sessionId, phoneHash: hash, to: phone.e164, text, perNumber: NOTICES_PER_DAY, perTenant: settings.noticesPerDay, now });
  // The reply's record comes right after the notice's conditional insert in the same batch: changes() tells whether it was queued.
  const results = await db.batch([queued.statement, inboundStatement(db, provider, sms, tenantId, sessionId, outcome, now, undefined, NOTICE_NOTE)]);
  if ((results[0]?.meta.changes ?? 0) > 0) await enqueue(deps, { kind: "sms", tenantId, outboxId: queued.id });
  else log.info("survey.notice_capped", { tenantId, provider });
  return outcome;
}

async function enqueue(deps: InboundDeps, message: SurveyMessage): Promise<void> {
  try {
    await deps.queue.send(message);
  } catch {
    // Kept in D1: the scheduled re-drive queues it.
    log.warn("survey.enqueue_failed", { tenantId: message.tenantId, kind: message.kind });
  }
}

/** Sessions that just ended by an opt-out and hold answers: their results go to Salesforce. */
async function enqueueWrites(deps: InboundDeps, tenantId: string, hash: string): Promise<void> {
  const { results } = await deps.db
    .prepare(`SELECT id FROM survey_sessions WHERE tenant_id = ?1 AND phone_hash = ?2 AND status = 'opted_out' AND sf_status = 'pending'`)
    .bind(tenantId, hash)
    .all<{ id: string }>();
  for (const r of results) await enqueue(deps, { kind: "write", tenantId, sessionId: r.id });
}

