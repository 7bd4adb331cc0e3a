// The HTTP surface: routes mounted from their folders, one error envelope for all.
import { Hono } from "hono";
import type { AppEnv } from "./app-env.ts";
import { adminAuth } from "./admin/auth.ts";
import { configOf } from "./env.ts";
import { AppError, errorBody } from "./errors.ts";
import { DecryptionError } from "./secrets/cipher.ts";
import { loggablePath } from "./http/log-path.ts";
import { healthRoutes } from "./health.ts";
import { requestId } from "./http/request-id.ts";
import { errorFields, log } from "./log.ts";
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

export const app = new Hono<AppEnv>();

app.use("*", requestId);
app.route("/health", healthRoutes);

// Everything else needs the checked configuration.
app.use("*", async (c, next) => {
  const result = configOf(c.env);
  if (!result.ok) {
    log.error("config.invalid", { problems: result.problems.join("; ") });
    throw new AppError("misconfigured", `The connector is misconfigured: ${result.problems.join("; ")}.`);
  }
  c.set("config", result.config);
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
  if (err instanceof AppError) {
    if (err.status >= 500) log.error("request.failed", { path: loggablePath(c.req.path), ...errorFields(err) });
    return c.json(err.toBody(c.var.requestId), err.status);
  }
  if (err instanceof DecryptionError) {
    log.error("request.failed", { path: loggablePath(c.req.path), code: "misconfigured", detail: "tenant secrets unreadable" });
    const message = "This tenant's secrets cannot be opened with the ENCRYPTION_KEY values set: put back the key they were sealed with.";
    return c.json(errorBody("misconfigured", message, c.var.requestId), 503);
  }
  log.error("request.crashed", { path: loggablePath(c.req.path), ...errorFields(err) });
  return c.json(errorBody("internal", "An unexpected error occurred; it has been logged.", c.var.requestId), 500);
});
