// Every request gets an id: answered in `x-request-id`, put in every error answer and
// carried by every log line of the request, so a caller's report leads to its logs.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { withLogContext } from "../log.ts";

export const REQUEST_ID_HEADER = "x-request-id";

export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  // Made here, never taken from the caller: a forged id could not mislead the logs.
  const id = crypto.randomUUID();
  c.set("requestId", id);
  c.header(REQUEST_ID_HEADER, id);
  await withLogContext({ requestId: id }, next);
});
