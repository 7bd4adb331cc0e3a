// Bearer authentication for the admin API, compared in constant time.
import { createMiddleware } from "hono/factory";
import { timingSafeEqual } from "hono/utils/buffer";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../errors.ts";

export const adminAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const token = match?.[1];
  if (!token || !(await timingSafeEqual(token, c.var.config.ADMIN_TOKEN))) {
    c.header("WWW-Authenticate", 'Bearer realm="admin"');
    throw new AppError("unauthorized", "A valid admin bearer token is required.");
  }
  await next();
});
