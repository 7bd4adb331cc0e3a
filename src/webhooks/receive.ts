// One webhook delivery, in a fixed order: content type, size, signature on the raw body,
// parse, then the durable hand-off. Nothing here calls iAdvize or Salesforce.
// Shared by the app's route and the Worker's fast path (fast-path.ts).
import type { Bindings } from "../env.ts";
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

export type WebhookAnswer = { status: "accepted"; eventId: string } | { status: "ignored" };

/** The 200 answer for a delivery kept or ignored; any refusal is thrown as an AppError. */
export async function receiveWebhook(
  request: Request,
  env: Bindings,
  secrets: readonly string[],
  requestId?: string,
): Promise<WebhookAnswer> {
  const headers = request.headers;
  const kind = bodyKind(headers.get("content-type") ?? undefined);
  if (!kind) {
    throw new AppError(
      "unsupported_media_type",
      "Content-Type must be application/json or application/x-www-form-urlencoded.",
    );
  }
  const raw = await readBodyLimited(request, WEBHOOK_BODY_LIMIT);
  await verifySignature(secrets, raw, headers.get("x-iadvize-signature") ?? undefined);

  const decoded = decodeBody(kind, raw);
  const parsed = KnownEvent.safeParse(decoded);
  if (!parsed.success) {
    const head = EventHead.safeParse(decoded);
    if (!head.success) throw new AppError("invalid_payload", "The event has no eventType.");
    if (!KNOWN_EVENT_TYPES.has(head.data.eventType)) {
      log.info("webhook.ignored", { eventType: head.data.eventType.slice(0, 64) });
      return { status: "ignored" };
    }
    throw new AppError("invalid_payload", `The ${head.data.eventType} event is malformed.`, {
      details: issuesOf(parsed.error),
    });
  }
  const event = parsed.data;
  await acceptEvent(env, event, {
    correlationId: headers.get("x-iadvize-correlationid")?.slice(0, 128),
    deliveryId: headers.get("x-iadvize-delivery")?.slice(0, 128),
    receivedAt: new Date(),
    requestId,
  });
  // No line per accepted event: the consumer logs each batch's event and request ids (events.received).
  return { status: "accepted", eventId: event.eventId };
}
