// Survey results to Salesforce, in one API call per tenant and queue batch: a composite
// of at most two collection upserts, the Conversation records (by their iAdvize
// conversation id) and the Survey Response records (by session id) of the sessions that
// point to no conversation. Each session records what became of its write.
import type { Config } from "../env.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import { errorFields, log } from "../log.ts";
import type { Subrequest } from "../salesforce/api.ts";
import { salesforceApiFor } from "../salesforce/for-tenant.ts";
import { API_VERSION } from "../salesforce/model.ts";
import { collectionResults, firstError, isTransient } from "../salesforce/results.ts";
import { recordUsage } from "../salesforce/usage.ts";
import { getTenantConfig } from "../tenants/store.ts";
import type { Survey } from "./definition.ts";
import type { AnswerValue } from "./replies.ts";
import { resultLines, scores } from "./results.ts";
import type { ResultAnswer } from "./results.ts";
import { CONVERSATION_SURVEY, SURVEY_RESPONSE } from "./salesforce-model.ts";
import type { AnswerRow, SessionRow } from "./sessions.ts";
import { answersOf, openAnswerText } from "./sessions.ts";

const LONG_TEXT = 32_768;
const base = `/services/data/v${API_VERSION}`;

export type WriteResult = { kind: "done" } | { kind: "retry"; delaySeconds: number };

async function answersFor(keys: readonly string[], rows: AnswerRow[]): Promise<Map<string, ResultAnswer[]>> {
  const out = new Map<string, ResultAnswer[]>();
  for (const r of rows) {
    const value: AnswerValue = r.text !== null ? await openAnswerText(keys, r.session_id, r.element_id, r.text) : (JSON.parse(r.value ?? "null") as AnswerValue);
    out.set(r.session_id, [...(out.get(r.session_id) ?? []), { elementId: r.element_id, value, answeredAt: r.answered_at }]);
  }
  return out;
}

function record(session: SessionRow, survey: Survey, answers: ResultAnswer[]): { object: string; fields: Record<string, unknown> } {
  const json = JSON.stringify({ survey: survey.id, name: survey.name, status: session.status, language: session.language, variables: JSON.parse(session.variables) as unknown, answers: resultLines(survey, answers) });
  const answersText = json.length > LONG_TEXT ? `${json.slice(0, LONG_TEXT - 20)}…[truncated]` : json;
  const numbers = scores(survey, answers);
  if (session.conversation_id) {
    const m = CONVERSATION_SURVEY;
    return {
      object: m.object,
      fields: {
        attributes: { type: m.object },
        [m.externalId]: session.conversation_id,
        [m.surveyId]: survey.id,
        [m.status]: session.status,
        [m.completedAt]: session.ended_at,
        [m.answers]: answersText,
        ...Object.fromEntries(m.scores.map((f, i) => [f, numbers[i] ?? null])),
      },
    };
  }
  const m = SURVEY_RESPONSE;
  return {
    object: m.object,
    fields: {
      attributes: { type: m.object },
      [m.externalId]: session.id,
      [m.surveyId]: survey.id,
      [m.status]: session.status,
      [m.completedAt]: session.ended_at,
      [m.answers]: answersText,
      [m.clientReference]: session.client_reference,
      [m.sentAt]: session.created_at,
      ...Object.fromEntries(m.scores.map((f, i) => [f, numbers[i] ?? null])),
    },
  };
}

function statusStatement(db: D1Database, id: string, status: SessionRow["sf_status"], fields: { recordId?: string | null; error?: string | null }, now: Date): D1PreparedStatement {
  return db
    .prepare(`UPDATE survey_sessions SET sf_status = ?2, sf_record_id = coalesce(?3, sf_record_id), sf_error = ?4, updated_at = ?5 WHERE id = ?1`)
    .bind(id, status, fields.recordId ?? null, fields.error ?? null, now.toISOString());
}

export async function writeResults(db: D1Database, config: Config, tenantId: string, sessionIds: readonly string[], now: () => Date = () => new Date()): Promise<WriteResult> {
  const { results: sessions } = await db
    .prepare(`SELECT * FROM survey_sessions WHERE tenant_id = ?1 AND sf_status = 'pending' AND id IN (SELECT value FROM json_each(?2))`)
    .bind(tenantId, JSON.stringify(sessionIds))
    .all<SessionRow>();
  if (sessions.length === 0) return { kind: "done" };
  const tenant = await getTenantConfig(db, config.ENCRYPTION_KEY, tenantId);
  if (!tenant?.salesforce || !tenant.surveys) {
    await db.batch(sessions.map((s) => statusStatement(db, s.id, "none", { error: "salesforce_not_configured" }, now())));
    return { kind: "done" };
  }
  const answers = await answersFor(config.ENCRYPTION_KEY, await answersOf(db, sessions.map((s) => s.id)));
  const statements: D1PreparedStatement[] = [];
  const planned: { session: SessionRow; object: string; fields: Record<string, unknown> }[] = [];
  for (const s of sessions) {
    const survey = tenant.surveys.definitions.find((d) => d.id === s.survey_id);
    const given = answers.get(s.id) ?? [];
    if (!survey || given.length === 0) statements.push(statusStatement(db, s.id, "none", { error: survey ? null : "survey_removed" }, now()));
    else planned.push({ session: s, ...record(s, survey, given) });
  }
  if (planned.length === 0) {
    await db.batch(statements);
    return { kind: "done" };
  }

  const groups = [
    { ref: "conversations", object: CONVERSATION_SURVEY.object, externalId: CONVERSATION_SURVEY.externalId },
    { ref: "responses", object: SURVEY_RESPONSE.object, externalId: SURVEY_RESPONSE.externalId },
  ].map((g) => ({ ...g, items: planned.filter((p) => p.object === g.object) })).filter((g) => g.items.length > 0);
  const subrequests: Subrequest[] = groups.map((g) => ({
    method: "PATCH",
    url: `${base}/composite/sobjects/${g.object}/${g.externalId}`,
    referenceId: g.ref,
    body: { allOrNone: false, records: g.items.map((i) => i.fields) },
  }));

  const api = salesforceApiFor(db, config, tenantId, tenant);
  let retry: WriteResult = { kind: "done" };
  try {
    const responses = await api.composite(subrequests, { autoAssign: false });
    for (const g of groups) {
      const results = collectionResults(responses.find((r) => r.referenceId === g.ref), g.items.length);
      g.items.forEach((item, i) => {
        const result = results[i] ?? { success: false, errors: [] };
        if (result.success) {
          statements.push(statusStatement(db, item.session.id, "written", { recordId: result.id ?? null }, now()));
          return;
        }
        const e = firstError(result);
        const error = `${e.code}${e.fields.length > 0 ? `:${e.fields.join(",")}` : ""}`;
        // A transient error, or a package not deployed yet (a field or the object missing): held, tried again.
        const held = isTransient(result) || e.code === "INVALID_FIELD" || e.code === "INVALID_TYPE" || e.code === "NOT_FOUND";
        statements.push(statusStatement(db, item.session.id, held ? "pending" : "failed", { error }, now()));
        if (held) retry = { kind: "retry", delaySeconds: isTransient(result) ? 60 : 3600 };
      });
    }
  } catch (err) {
    const e = err instanceof UpstreamError ? err : undefined;
    log.warn("survey.salesforce_failed", { tenantId, ...errorFields(err) });
    if (e && !e.retryable) {
      for (const p of planned) statements.push(statusStatement(db, p.session.id, "failed", { error: `salesforce_${e.code}` }, now()));
    } else {
      for (const p of planned) statements.push(statusStatement(db, p.session.id, "pending", { error: `salesforce_${e?.code ?? "error"}` }, now()));
      retry = { kind: "retry", delaySeconds: e?.code === "request_limit_exceeded" ? 3600 : 60 };
    }
  }
  statements.push(recordUsage(db, tenantId, api.calls, 0, api.usage, now()));
  await db.batch(statements);
  log.info("survey.results_written", { tenantId, sessions: planned.length, calls: api.calls });
  return retry;
}
