// /webhooks/iadvize in the app: POST receives a delivery (receive.ts), any other method is 405.
// The Worker's fetch sends POSTs to the same receiveWebhook past the app (fast-path.ts).
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../errors.ts";
import { receiveWebhook } from "./receive.ts";

export const webhookRoutes = new Hono<AppEnv>()
  .post("/iadvize", async (c) => c.json(await receiveWebhook(c.req.raw, c.env, c.var.config.IADVIZE_WEBHOOK_SECRET, c.var.requestId), 200))
  .all("/iadvize", (c) => {
    c.header("Allow", "POST");
    throw new AppError("method_not_allowed", "Webhooks are delivered with POST.");
  });
