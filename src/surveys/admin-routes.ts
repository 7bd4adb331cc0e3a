// Admin API for survey results: the sessions of one survey with their answers (never a
// number, a personal variable or a free-text answer: those are shown as answered), and
// the distribution of every scale, drop-down, multiple choice and yes/no.
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../errors.ts";
import { TenantId } from "../tenants/schema.ts";
import { getTenantConfig } from "../tenants/store.ts";
import type { Survey } from "./definition.ts";
import type { SessionRow } from "./sessions.ts";
import { answersOf } from "./sessions.ts";
import { tenantDb } from "../tenants/placement.ts";

async function surveyFor(c: { env: AppEnv["Bindings"]; var: AppEnv["Variables"] }, rawTenant: string, surveyId: string): Promise<{ tenantId: string; survey: Survey }> {
  const parsed = TenantId.safeParse(rawTenant);
  if (!parsed.success) throw new AppError("invalid_request", "The tenant id must look like ha-123 or sd-456.");
  const tenant = await getTenantConfig(tenantDb(c.env, parsed.data), c.var.config.ENCRYPTION_KEY, parsed.data);
  const survey = tenant?.surveys?.definitions.find((d) => d.id === surveyId);
  if (!survey) throw new AppError("not_found", `Tenant ${parsed.data} has no survey ${surveyId.slice(0, 64)}.`);
  return { tenantId: parsed.data, survey };
}

type Distribution = { kind: string; answers: number; distribution: Record<string, number>; mean?: number };

export const surveyAdminRoutes = new Hono<AppEnv>()
  .get("/:tenantId/surveys/:surveyId/results", async (c) => {
    const { tenantId, survey } = await surveyFor(c, c.req.param("tenantId"), c.req.param("surveyId"));
    const before = c.req.query("before") ?? "9999";
    const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 100) || 100, 1), 500);
    const { results: sessions } = await tenantDb(c.env, tenantId).prepare(
      `SELECT * FROM survey_sessions WHERE tenant_id = ?1 AND survey_id = ?2 AND created_at < ?3 ORDER BY created_at DESC LIMIT ?4`,
    )
      .bind(tenantId, survey.id, before, limit)
      .all<SessionRow>();
    const answers = await answersOf(tenantDb(c.env, tenantId), sessions.map((s) => s.id));
    return c.json({
      surveyId: survey.id,
      results: sessions.map((s) => ({
        sessionId: s.id,
        status: s.status,
        origin: s.origin,
        language: s.language,
        clientReference: s.client_reference,
        conversationId: s.conversation_id,
        escalationId: s.escalation_id,
        variables: JSON.parse(s.variables) as Record<string, string>,
        createdAt: s.created_at,
        endedAt: s.ended_at,
        expiresAt: s.expires_at,
        numberKept: s.contact !== null,
        salesforce: { status: s.sf_status, recordId: s.sf_record_id, error: s.sf_error },
        answers: Object.fromEntries(
          answers.filter((a) => a.session_id === s.id).map((a) => [a.element_id, a.text !== null ? { answered: true } : (JSON.parse(a.value ?? "null") as unknown)]),
        ),
      })),
      next: sessions.length === limit ? sessions[sessions.length - 1]?.created_at : null,
    });
  })
  .get("/:tenantId/surveys/:surveyId/summary", async (c) => {
    const { tenantId, survey } = await surveyFor(c, c.req.param("tenantId"), c.req.param("surveyId"));
    const { results: statuses } = await tenantDb(c.env, tenantId).prepare(`SELECT status, COUNT(*) AS n FROM survey_sessions WHERE tenant_id = ?1 AND survey_id = ?2 GROUP BY status`)
      .bind(tenantId, survey.id)
      .all<{ status: string; n: number }>();
    // Multiple choices are counted per item chosen.
    const { results: counts } = await tenantDb(c.env, tenantId).prepare(
      `SELECT a.element_id, coalesce(j.value, a.value) AS v, COUNT(*) AS n
       FROM survey_answers a LEFT JOIN json_each(CASE WHEN a.kind = 'multiple_choice' THEN a.value END) j
       WHERE a.tenant_id = ?1 AND a.survey_id = ?2 AND a.kind != 'free_text'
       GROUP BY a.element_id, v`,
    )
      .bind(tenantId, survey.id)
      .all<{ element_id: string; v: string | number; n: number }>();
    const { results: totals } = await tenantDb(c.env, tenantId).prepare(`SELECT element_id, COUNT(*) AS n FROM survey_answers WHERE tenant_id = ?1 AND survey_id = ?2 GROUP BY element_id`)
      .bind(tenantId, survey.id)
      .all<{ element_id: string; n: number }>();
    const elements: Record<string, Distribution> = {};
    for (const e of survey.elements) {
      if (e.type === "text") continue;
      const mine = counts.filter((r) => r.element_id === e.id);
      const count = (key: string) => mine.filter((r) => String(r.v) === key).reduce((sum, r) => sum + r.n, 0);
      const answered = totals.find((t) => t.element_id === e.id)?.n ?? 0;
      const keys =
        e.type === "scale" ? Array.from({ length: e.max - e.min + 1 }, (_, i) => String(e.min + i))
        : e.type === "yes_no" ? ["true", "false"]
        : e.type === "free_text" ? []
        : e.items.map((_, i) => String(i));
      const distribution = Object.fromEntries(keys.map((k) => [e.type === "yes_no" ? (k === "true" ? "yes" : "no") : k, count(k)]));
      const d: Distribution = { kind: e.type, answers: answered, distribution };
      if (e.type === "scale" && answered > 0) d.mean = Math.round((keys.reduce((s, k) => s + Number(k) * count(k), 0) / answered) * 100) / 100;
      elements[e.id] = d;
    }
    return c.json({ surveyId: survey.id, sessions: Object.fromEntries(statuses.map((s) => [s.status, s.n])), elements });
  });
