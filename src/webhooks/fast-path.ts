// POST /webhooks/iadvize taken straight from the Worker's fetch, past the app's router and
// middleware (the busiest request does not pay for the others' routes): the same request
// id, configuration check, checks, answers, headers and log lines as through the app.
import type { Bindings } from "../env.ts";
import { requireConfig } from "../http/config.ts";
import { errorAnswer } from "../http/error-answer.ts";
import { REQUEST_ID_HEADER } from "../http/request-id.ts";
import { withLogContext } from "../log.ts";
import { receiveWebhook } from "./receive.ts";

const WEBHOOK_PATH = "/webhooks/iadvize";

/** True for a POST to exactly /webhooks/iadvize (a query string allowed, as the app's router allows it). */
export function isWebhookDelivery(request: Request): boolean {
  if (request.method !== "POST") return false;
  const url = request.url;
  const start = url.indexOf("/", url.indexOf("://") + 3);
  if (start < 0 || !url.startsWith(WEBHOOK_PATH, start)) return false;
  const end = start + WEBHOOK_PATH.length;
  return end === url.length || url[end] === "?";
}

export function receiveWebhookFast(request: Request, env: Bindings): Promise<Response> {
  // Made here, never taken from the caller, as the app's requestId middleware does.
  const requestId = crypto.randomUUID();
  return withLogContext({ requestId }, async () => {
    try {
      const config = requireConfig(env);
      return json(await receiveWebhook(request, env, config.IADVIZE_WEBHOOK_SECRET, requestId), 200, requestId);
    } catch (err) {
      const { body, status } = errorAnswer(err, WEBHOOK_PATH, requestId);
      return json(body, status, requestId);
    }
  });
}

// Hono's c.json with the request id header: the same two headers, in the same spelling.
function json(body: unknown, status: number, requestId: string): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", [REQUEST_ID_HEADER]: requestId },
  });
}
