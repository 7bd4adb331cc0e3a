// POST /webhooks/iadvize, in a fixed order: content type, size, signature on the raw
// body, parse, then the durable hand-off. Nothing here calls iAdvize or Salesforce.
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../errors.ts";
import { log } from "../log.ts";
import { acceptEvent } from "./accept.ts";
import { bodyKind, decodeBody } from "./decode.ts";
import { EventHead, KNOWN_EVENT_TYPES, KnownEvent } from "../events/schema.ts";
import { readBodyLimited } from "../http/read-body.ts";
import { verifySignature } from "./signature.ts";
import { issuesOf } from "../lib/zod-issues.ts";

/** Far above any real event (they are well under 2 KiB). */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;

export const webhookRoutes = new Hono<AppEnv>()
  .post("/iadvize", async (c) => {
  const kind = bodyKind(c.req.header("content-type"));
  if (!kind) {
    throw new AppError(
      "unsupported_media_type",
      "Content-Type must be application/json or application/x-www-form-urlencoded.",
    );
  }
  const raw = await readBodyLimited(c.req.raw, WEBHOOK_BODY_LIMIT);
  await verifySignature(c.var.config.IADVIZE_WEBHOOK_SECRET, raw, c.req.header("x-iadvize-signature"));

  const decoded = decodeBody(kind, raw);
  const parsed = KnownEvent.safeParse(decoded);
  if (!parsed.success) {
    const head = EventHead.safeParse(decoded);
    if (!head.success) throw new AppError("invalid_payload", "The event has no eventType.");
    if (!KNOWN_EVENT_TYPES.has(head.data.eventType)) {
      log.info("webhook.ignored", { eventType: head.data.eventType.slice(0, 64) });
      return c.json({ status: "ignored" }, 200);
    }
    throw new AppError("invalid_payload", `The ${head.data.eventType} event is malformed.`, {
      details: issuesOf(parsed.error),
    });
  }
  const event = parsed.data;
  await acceptEvent(c.env, event, {
    correlationId: c.req.header("x-iadvize-correlationid")?.slice(0, 128),
    deliveryId: c.req.header("x-iadvize-delivery")?.slice(0, 128),
    receivedAt: new Date(),
  });
  log.info("webhook.accepted", { eventId: event.eventId, eventType: event.eventType });
  return c.json({ status: "accepted", eventId: event.eventId }, 200);
})
  .all("/iadvize", (c) => {
    c.header("Allow", "POST");
    throw new AppError("method_not_allowed", "Webhooks are delivered with POST.");
  });
