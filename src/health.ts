// GET /health: the public health check iAdvize requires of every app.
import { Hono } from "hono";
import type { Bindings } from "./env.ts";
import { configOf } from "./env.ts";

export const healthRoutes = new Hono<{ Bindings: Bindings }>().get("/", (c) =>
  configOf(c.env).ok ? c.json({ status: "UP" }, 200) : c.json({ status: "DOWN" }, 503),
);
