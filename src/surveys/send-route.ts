// POST /surveys/send, as the seed's SendSurvey: the tenant's survey key as a bearer
// token, the body checked once, and the send's outcome: 202 sending, 200 for a repeat or
// a number that must not get it (opted out, daily cap), 400/404 for a wrong request.
import { Hono } from "hono";
import * as z from "zod";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../errors.ts";
import { bearerToken } from "../http/bearer.ts";
import { readJsonBody } from "../http/json-body.ts";
import { issuesOf } from "../lib/zod-issues.ts";
import { getTenantConfig } from "../tenants/store.ts";
import { tenantOfSurveyKey } from "./routing.ts";
import { sendSurvey } from "./send.ts";
import { directoryDb, tenantDb } from "../tenants/placement.ts";

export const SendBody = z
  .object({
    surveyId: z.string().min(1).max(64),
    clientReference: z.string().min(1).max(255).optional(),
    expiryTime: z.iso.datetime({ offset: true }).optional(),
    userSessionVariables: z
      .array(z.object({ key: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, "a key is a name of 64 characters at most"), value: z.string().max(1000) }).strict())
      .max(30)
      .default([]),
    identifier: z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 mobile number, e.g. +33612345678"),
    identifierType: z.literal("Phone"),
    channel: z.literal("SMS"),
    content: z.string().trim().min(1).max(640).optional(),
    language: z.string().regex(/^[A-Za-z]{2}([-_][A-Za-z]{2})?$/, "a language code, e.g. en or fr-FR").optional(),
  })
  .strict();
export type SendBody = z.infer<typeof SendBody>;

export const surveySendRoutes = new Hono<AppEnv>().post("/send", async (c) => {
  const key = bearerToken(c.req.header("authorization"));
  if (!key) {
    c.header("WWW-Authenticate", 'Bearer realm="surveys"');
    throw new AppError("unauthorized", "The survey key is missing: send it as a bearer token.");
  }
  const tenantId = await tenantOfSurveyKey(directoryDb(c.env), key);
  if (!tenantId) throw new AppError("not_found", "No survey endpoint has this key.");
  const tenant = await getTenantConfig(tenantDb(c.env, tenantId), c.var.config.ENCRYPTION_KEY, tenantId);
  if (!tenant?.surveys) throw new AppError("not_found", "Surveys are not configured for this key.");

  const parsed = SendBody.safeParse(await readJsonBody(c));
  if (!parsed.success) throw new AppError("invalid_request", "The survey request is invalid.", { details: issuesOf(parsed.error) });
  const body = parsed.data;
  const answer = await sendSurvey(
    { db: tenantDb(c.env, tenantId), keys: c.var.config.ENCRYPTION_KEY, queue: c.env.SURVEY_QUEUE, now: new Date() },
    tenantId,
    tenant.surveys,
    {
      surveyId: body.surveyId,
      phone: body.identifier,
      origin: "api",
      ...(body.clientReference ? { repeatKey: body.clientReference, clientReference: body.clientReference } : {}),
      conversationId: body.clientReference ? await knownConversation(tenantDb(c.env, tenantId), tenantId, body.clientReference) : null,
      ...(body.expiryTime ? { expiresAt: new Date(body.expiryTime) } : {}),
      variables: body.userSessionVariables,
      ...(body.content ? { content: body.content } : {}),
      ...(body.language ? { language: body.language } : {}),
    },
  );
  c.header("cache-control", "no-store");
  if (answer.status === "sending") return c.json(answer, 202);
  if (answer.status === "repeated") return c.json(answer, 200);
  switch (answer.reason) {
    case "unknown_survey":
      throw new AppError("not_found", `No survey ${body.surveyId} is defined for this tenant.`);
    case "invalid_phone":
      throw new AppError("invalid_request", "The identifier is not a mobile number the tenant can send SMS to.", { details: [{ path: "identifier", message: answer.problem ?? "invalid" }] });
    case "expiry_in_past":
      throw new AppError("invalid_request", "expiryTime is in the past.", { details: [{ path: "expiryTime", message: "in the past" }] });
    case "opted_out":
    case "rate_limited":
      return c.json(answer, 200);
  }
});

/** The clientReference when it is an iAdvize conversation of the tenant: its Salesforce record gets the results. */
async function knownConversation(db: D1Database, tenantId: string, reference: string): Promise<string | null> {
  const row = await db.prepare(`SELECT conversation_id FROM conversations WHERE tenant_id = ?1 AND conversation_id = ?2`).bind(tenantId, reference).first<string>("conversation_id");
  return row ?? null;
}
