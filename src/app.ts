// The HTTP surface: routes mounted from their folders, one error envelope for all.
import { Hono } from "hono";
import type { AppEnv } from "./app-env.ts";
import { adminAuth } from "./admin/auth.ts";
import { errorBody } from "./errors.ts";
import { errorAnswer } from "./http/error-answer.ts";
import { requireConfig } from "./http/config.ts";
import { healthRoutes } from "./health.ts";
import { requestId } from "./http/request-id.ts";
import { tenantRoutes } from "./admin/tenants.ts";
import { webhookRoutes } from "./webhooks/route.ts";
import { escalationRoutes } from "./escalation/route.ts";
import { deflectionRoutes } from "./deflection/route.ts";
import { consoleRoutes } from "./console/routes.tsx";
import adminOpenApi from "./openapi/generated/admin.json";
import { preflightRoutes } from "./preflight/route.ts";
import { surveyAdminRoutes } from "./surveys/admin-routes.ts";
import { smsInboundRoutes } from "./surveys/inbound-route.ts";
import { surveySendRoutes } from "./surveys/send-route.ts";
import { backfillRoutes } from "./backfill/route.ts";
import type { Bindings } from "./env.ts";
import { isWebhookDelivery, receiveWebhookFast } from "./webhooks/fast-path.ts";

export const app = new Hono<AppEnv>();

app.use("*", requestId);
app.route("/health", healthRoutes);

// Everything else needs the checked configuration.
app.use("*", async (c, next) => {
  c.set("config", requireConfig(c.env));
  await next();
});

app.route("/webhooks", webhookRoutes);
app.route("/escalations", escalationRoutes);
app.route("/deflections", deflectionRoutes);
app.get("/admin/openapi.json", (c) => c.json(adminOpenApi));
app.route("/surveys", surveySendRoutes);
app.route("/sms", smsInboundRoutes);
app.use("/admin/api/*", adminAuth);
app.route("/admin/api/tenants", tenantRoutes);
app.route("/setup", consoleRoutes);
app.route("/admin/api/tenants", preflightRoutes);
app.route("/admin/api/tenants", surveyAdminRoutes);
app.route("/admin/api/tenants", backfillRoutes);

app.notFound((c) => {
  return c.json(errorBody("not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`, c.var.requestId), 404);
});

app.onError((err, c) => {
  const { body, status } = errorAnswer(err, c.req.path, c.var.requestId);
  return c.json(body, status);
});

/** The Worker's HTTP entry: a webhook delivery goes straight to the intake (webhooks/fast-path.ts), the rest through the app. */
export function handleFetch(request: Request, env: Bindings, ctx: ExecutionContext): Response | Promise<Response> {
  return isWebhookDelivery(request) ? receiveWebhookFast(request, env) : app.fetch(request, env, ctx);
}
