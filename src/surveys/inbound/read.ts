// A reply as each provider posts it, read in the fixed order: content type, signature
// header present, bounded body, the tenant from the number the SMS was sent to, the
// signature with that tenant's secret, then the fields checked once with zod.
import type { Context } from "hono";
import * as z from "zod";
import type { AppEnv } from "../../app-env.ts";
import { AppError } from "../../errors.ts";
import { verifyHmacSha256Hex } from "../../lib/hmac.ts";
import { mediaType } from "../../http/content-type.ts";
import { readBodyLimited } from "../../http/read-body.ts";
import { issuesOf } from "../../lib/zod-issues.ts";
import { getTenantConfig } from "../../tenants/store.ts";
import type { InboundSms, SurveySettings } from "../providers/types.ts";
import { tenantOfSender } from "../routing.ts";
import { verifyTwilioSignature } from "./twilio-signature.ts";
import { directoryDb, tenantDb } from "../../tenants/placement.ts";

const BODY_LIMIT = 64 * 1024;
const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number");

export interface Inbound {
  tenantId: string;
  settings: SurveySettings;
  sms: InboundSms;
}

const TwilioInbound = z.looseObject({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, "a Twilio message SID"),
  AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "a Twilio account SID"),
  From: E164,
  To: z.string().min(1),
  Body: z.string().max(1600).default(""),
  OptOutType: z.string().optional(),
});

const WebhookInbound = z
  .object({
    id: z.string().min(1).max(128),
    from: E164,
    to: z.string().min(1).max(32),
    text: z.string().max(1600),
    sessionId: z.uuid().optional(),
  })
  .strict();

async function tenantFor(c: Context<AppEnv>, provider: "twilio" | "webhook", to: string | undefined): Promise<{ tenantId: string; settings: SurveySettings }> {
  const tenantId = to ? await tenantOfSender(directoryDb(c.env), provider, to) : null;
  const tenant = tenantId ? await getTenantConfig(tenantDb(c.env, tenantId), c.var.config.ENCRYPTION_KEY, tenantId) : null;
  if (!tenantId || !tenant?.surveys || tenant.surveys.provider.type !== provider) throw new AppError("not_found", "No tenant sends surveys from this number.");
  return { tenantId, settings: tenant.surveys };
}

export async function readTwilio(c: Context<AppEnv>): Promise<Inbound> {
  if (mediaType(c.req.header("content-type")) !== "application/x-www-form-urlencoded") throw new AppError("unsupported_media_type", "Content-Type must be application/x-www-form-urlencoded.");
  const signature = c.req.header("x-twilio-signature");
  if (!signature) throw new AppError("invalid_signature", "The X-Twilio-Signature header is missing.");
  const params = [...new URLSearchParams(new TextDecoder().decode(await readBodyLimited(c.req.raw, BODY_LIMIT)))];
  const { tenantId, settings } = await tenantFor(c, "twilio", params.find(([k]) => k === "To")?.[1]);
  const provider = settings.provider;
  if (provider.type !== "twilio" || !(await verifyTwilioSignature(provider.authToken, c.req.url, params, signature))) {
    throw new AppError("invalid_signature", "The X-Twilio-Signature does not match this request.");
  }
  const parsed = TwilioInbound.safeParse(Object.fromEntries(params));
  if (!parsed.success) throw new AppError("invalid_payload", "The message fields are invalid.", { details: issuesOf(parsed.error) });
  if (parsed.data.AccountSid !== provider.accountSid) throw new AppError("invalid_payload", "The message is for another Twilio account.", { details: [{ path: "AccountSid", message: "not the tenant's account" }] });
  const m = parsed.data;
  return { tenantId, settings, sms: { messageId: m.MessageSid, from: m.From, to: m.To, text: m.Body, providerOptOut: m.OptOutType?.toUpperCase() === "STOP" } };
}

export async function readWebhook(c: Context<AppEnv>): Promise<Inbound> {
  if (mediaType(c.req.header("content-type")) !== "application/json") throw new AppError("unsupported_media_type", "Content-Type must be application/json.");
  const signature = /^sha256=(.+)$/.exec(c.req.header("x-connector-signature") ?? "")?.[1];
  if (!signature) throw new AppError("invalid_signature", "The x-connector-signature header is missing.");
  const raw = await readBodyLimited(c.req.raw, BODY_LIMIT);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    throw new AppError("invalid_payload", "The body is not valid JSON.");
  }
  const to = typeof json === "object" && json !== null && "to" in json && typeof json.to === "string" ? json.to : undefined;
  const { tenantId, settings } = await tenantFor(c, "webhook", to);
  const provider = settings.provider;
  if (provider.type !== "webhook" || !(await verifyHmacSha256Hex([provider.secret], raw, signature))) {
    throw new AppError("invalid_signature", "The x-connector-signature does not match this body.");
  }
  const parsed = WebhookInbound.safeParse(json);
  if (!parsed.success) throw new AppError("invalid_payload", "The message fields are invalid.", { details: issuesOf(parsed.error) });
  const m = parsed.data;
  return { tenantId, settings, sms: { messageId: m.id, from: m.from, to: m.to, text: m.text, sessionId: m.sessionId } };
}
