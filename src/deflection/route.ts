// The endpoint an IVR calls to move a caller to messaging: POST /deflections/:key (or
// POST /deflections with the key as a bearer token), a JSON body (or form fields, for IVR
// HTTP blocks that post them). Business outcomes answer 200 {status, prompt, …} for the IVR
// to branch on; a missing or unknown key, 401 or 404; any other method acts on nothing: 405.
import { Hono } from "hono";
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../errors.ts";
import { bearerToken } from "../http/bearer.ts";
import { mediaType } from "../http/content-type.ts";
import { readBodyLimited } from "../http/read-body.ts";
import { issuesOf } from "../lib/zod-issues.ts";
import { getTenantConfig } from "../tenants/store.ts";
import { attemptDeps } from "./deps.ts";
import { DeflectionInput, fromForm } from "./inputs.ts";
import { tenantOfKey } from "./keys.ts";
import { OPENAPI } from "./openapi.ts";
import { requestDeflection } from "./request.ts";
import { directoryDb, tenantDb } from "../tenants/placement.ts";

async function bodyOf(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const type = mediaType(c.req.header("content-type"));
  if (type !== "application/json" && type !== "application/x-www-form-urlencoded") {
    throw new AppError("unsupported_media_type", "Send the request as application/json (or application/x-www-form-urlencoded).");
  }
  const text = new TextDecoder().decode(await readBodyLimited(c.req.raw, 32 * 1024));
  if (type === "application/x-www-form-urlencoded") return fromForm(new URLSearchParams(text));
  try {
    const json: unknown = JSON.parse(text);
    if (json && typeof json === "object" && !Array.isArray(json)) return json as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new AppError("invalid_request", "The body must be a JSON object.");
}

function notAllowed(c: Context<AppEnv>): never {
  c.header("Allow", "POST");
  throw new AppError("method_not_allowed", `${c.req.method} does not move a caller to messaging; use POST.`);
}

async function handle(c: Context<AppEnv>, key: string | undefined): Promise<Response> {
  if (!key) {
    c.header("WWW-Authenticate", 'Bearer realm="deflections"');
    throw new AppError("unauthorized", "The deflection key is missing: put it in the URL or as a bearer token.");
  }
  const tenantId = await tenantOfKey(directoryDb(c.env), key);
  if (!tenantId) throw new AppError("not_found", "No deflection endpoint has this key.");
  const config = c.var.config;
  const settings = (await getTenantConfig(tenantDb(c.env, tenantId), config.ENCRYPTION_KEY, tenantId))?.deflection;
  if (!settings) throw new AppError("not_found", "Call to messaging is not configured for this key.");

  const parsed = DeflectionInput.safeParse(await bodyOf(c));
  if (!parsed.success) throw new AppError("invalid_request", "The deflection inputs are invalid.", { details: issuesOf(parsed.error) });

  const answer = await requestDeflection(
    { ...attemptDeps(c.env, tenantId), keys: config.ENCRYPTION_KEY, tenantId, deadlineMs: settings.deadlineMs, waitUntil: (p) => c.executionCtx.waitUntil(p) },
    settings,
    parsed.data,
  );
  c.header("cache-control", "no-store");
  return c.json(answer, 200);
}

const bearer = (c: Context<AppEnv>) => bearerToken(c.req.header("authorization"));

export const deflectionRoutes = new Hono<AppEnv>()
  .get("/openapi.json", (c) => c.json(OPENAPI))
  .post("/", (c) => handle(c, bearer(c)))
  .post("/:key", (c) => handle(c, c.req.param("key")))
  .all("/", (c) => notAllowed(c))
  .all("/:key", (c) => notAllowed(c));
