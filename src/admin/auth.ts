// Bearer authentication for the admin API, compared in constant time.
import { createMiddleware } from "hono/factory";
import { timingSafeEqual } from "hono/utils/buffer";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../errors.ts";
import { bearerToken } from "../http/bearer.ts";

export const adminAuth = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  if (!token || !(await timingSafeEqual(token, c.var.config.ADMIN_TOKEN))) {
    c.header("WWW-Authenticate", 'Bearer realm="admin"');
    throw new AppError("unauthorized", "A valid admin bearer token is required.");
  }
  await next();
});
