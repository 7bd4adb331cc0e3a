// The webhook intake on an app of its own: the same request id, configuration check,
// route and error answers as the main app, without a walk through the router of every
// route of the Worker (Hono falls back to its trie router for them: a tenth of the
// intake's CPU in the profile, see README "Benchmark: webhook intake").
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { answerError, answerNotFound, checkedConfig } from "../app.ts";
import { requestId } from "../http/request-id.ts";
import { webhookRoutes } from "./route.ts";

export const intakeApp = new Hono<AppEnv>()
  .use("*", requestId)
  .use("*", checkedConfig)
  .route("/webhooks", webhookRoutes)
  .notFound(answerNotFound)
  .onError(answerError);

/** POST /webhooks/iadvize exactly (anything else, a query string included, goes to the main app). */
export function isIntake(request: Request): boolean {
  if (request.method !== "POST") return false;
  const url = request.url;
  return url.endsWith("/webhooks/iadvize") && url.indexOf("/", url.indexOf("//") + 2) === url.length - "/webhooks/iadvize".length;
}
