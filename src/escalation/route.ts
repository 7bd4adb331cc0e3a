// The endpoint a bot's "API connection" card calls: GET, POST or PUT
// /escalations/:key/callback (or /escalations/callback with the key as a bearer token),
// inputs in the query string or a JSON or form body. Business outcomes answer 200 with
// {status, message, …} for the bot to map; a missing or unknown key, 401 or 404. Any
// other method, HEAD included (Hono serves HEAD with the GET handler), acts on nothing: 405.
// A failure below the endpoint (D1, in practice: a platform's failure is an outcome)
// answers 503 storage_unavailable, so the bot may offer to try again; never a 500.
import { Hono } from "hono";
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../errors.ts";
import { bearerToken } from "../http/bearer.ts";
import { mediaType } from "../http/content-type.ts";
import { readBodyLimited } from "../http/read-body.ts";
import { issuesOf } from "../lib/zod-issues.ts";
import { errorFields, log } from "../log.ts";
import { getTenantConfig } from "../tenants/store.ts";
import { attemptDeps } from "./deps.ts";
import { collectInputs, EscalationInput } from "./inputs.ts";
import { tenantOfKey } from "./keys.ts";
import { OPENAPI } from "./openapi.ts";
import { requestCallback } from "./request.ts";
import { directoryDb, tenantDb } from "../tenants/placement.ts";

/** iAdvize waits 6 s; the answer leaves within 5 s whatever the platform does. */
export const PROVIDER_DEADLINE_MS = 4000;

async function bodyOf(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  if (c.req.method === "GET") return {};
  const type = mediaType(c.req.header("content-type"));
  const raw = await readBodyLimited(c.req.raw, 16 * 1024);
  if (raw.length === 0) return {};
  const text = new TextDecoder().decode(raw);
  if (type === "application/x-www-form-urlencoded") return Object.fromEntries(new URLSearchParams(text));
  try {
    const json: unknown = JSON.parse(text);
    if (json && typeof json === "object" && !Array.isArray(json)) return json as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new AppError("invalid_request", "The body must be a JSON object or form fields.");
}

const ACTING = new Set(["GET", "POST", "PUT"]);

function notAllowed(c: Context<AppEnv>): never {
  c.header("Allow", "GET, POST, PUT");
  throw new AppError("method_not_allowed", `${c.req.method} does not ask for a callback; use GET, POST or PUT.`);
}

async function handle(c: Context<AppEnv>, key: string | undefined): Promise<Response> {
  try {
    return await act(c, key);
  } catch (err) {
    if (err instanceof AppError) throw err;
    log.error("escalation.unavailable", { ...errorFields(err) });
    throw new AppError("storage_unavailable", "The callback request could not be recorded just now; please try again.");
  }
}

async function act(c: Context<AppEnv>, key: string | undefined): Promise<Response> {
  if (!ACTING.has(c.req.method)) notAllowed(c);
  if (!key) {
    c.header("WWW-Authenticate", 'Bearer realm="escalations"');
    throw new AppError("unauthorized", "The escalation key is missing: put it in the URL or as a bearer token.");
  }
  const tenantId = await tenantOfKey(directoryDb(c.env), key);
  if (!tenantId) throw new AppError("not_found", "No escalation endpoint has this key.");
  const config = c.var.config;
  const tenant = await getTenantConfig(tenantDb(c.env, tenantId), config.ENCRYPTION_KEY, tenantId);
  if (!tenant?.escalation) throw new AppError("not_found", "Escalation is not configured for this key.");

  const parsed = EscalationInput.safeParse(collectInputs(new URL(c.req.url).searchParams, await bodyOf(c)));
  if (!parsed.success) throw new AppError("invalid_request", "The escalation inputs are invalid.", { details: issuesOf(parsed.error) });

  const answer = await requestCallback(
    {
      ...attemptDeps(c.env, config, tenantId),
      keys: config.ENCRYPTION_KEY,
      tenantId,
      deadlineMs: PROVIDER_DEADLINE_MS,
      waitUntil: (p) => c.executionCtx.waitUntil(p),
    },
    tenant.escalation,
    parsed.data,
  );
  c.header("cache-control", "no-store");
  return c.json(answer, 200);
}

const bearer = (c: Context<AppEnv>) => bearerToken(c.req.header("authorization"));

export const escalationRoutes = new Hono<AppEnv>()
  .get("/openapi.json", (c) => c.json(OPENAPI))
  .on(["GET", "POST", "PUT"], "/callback", (c) => handle(c, bearer(c)))
  .on(["GET", "POST", "PUT"], "/:key/callback", (c) => handle(c, c.req.param("key")))
  .all("/callback", (c) => notAllowed(c))
  .all("/:key/callback", (c) => notAllowed(c));
