// The Worker's fast path for POST /webhooks/iadvize answers exactly as the app's route does
// (status, body, headers, request id), and is the path a delivery takes.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { app } from "../../src/app.ts";
import type { Bindings } from "../../src/env.ts";
import worker from "../../src/index.ts";
import { isWebhookDelivery } from "../../src/webhooks/fast-path.ts";
import { signatureFor } from "../../src/webhooks/signature.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { WEBHOOK_SECRET } from "../helpers/secrets.ts";
import { BASE, fresh } from "../helpers/webhook.ts";

afterEach(() => vi.restoreAllMocks());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Case {
  body: string;
  headers?: Record<string, string>;
  signature?: string | null;
  env?: Bindings;
}

async function request({ body, headers = {}, signature }: Case): Promise<Request> {
  const sig = signature === undefined ? await signatureFor(WEBHOOK_SECRET, body) : signature;
  return new Request(`${BASE}/webhooks/iadvize`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(sig === null ? {} : { "x-iadvize-signature": sig }), ...headers },
    body,
  });
}

async function through(fetch: "worker" | "app", c: Case): Promise<Response> {
  const ctx = createExecutionContext();
  const req = await request(c);
  const res = fetch === "worker" ? await worker.fetch(req, c.env ?? env, ctx) : await app.fetch(req, c.env ?? env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** Status, headers and body, with the request id checked and then set aside. */
async function seen(res: Response): Promise<{ status: number; headers: [string, string][]; body: unknown }> {
  const id = res.headers.get("x-request-id");
  expect(id).toMatch(UUID);
  const text = await res.text();
  const body = JSON.parse(text) as { error?: { requestId?: string } };
  if (body.error) {
    expect(body.error.requestId).toBe(id);
    delete body.error.requestId;
  }
  const headers = [...res.headers].filter(([name]) => name !== "x-request-id");
  return { status: res.status, headers, body };
}

const closed = JSON.stringify(fresh(fixtures.conversationClosed));
const CASES: [string, number, () => Case][] = [
  ["accepted", 200, () => ({ body: closed })],
  ["ignored (unknown type)", 200, () => ({ body: JSON.stringify({ ...fresh(fixtures.conversationClosed), eventType: "v2.unknown.thing" }) })],
  ["415 content type", 415, () => ({ body: closed, headers: { "content-type": "text/plain" } })],
  ["413 by content-length", 413, () => ({ body: closed, headers: { "content-length": String(300 * 1024) } })],
  ["401 no signature", 401, () => ({ body: closed, signature: null })],
  ["401 wrong signature", 401, () => ({ body: closed, signature: `sha256=${"0".repeat(64)}` })],
  ["400 not JSON", 400, () => ({ body: "{nope" })],
  ["400 malformed known event", 400, () => ({ body: JSON.stringify({ ...fresh(fixtures.conversationClosed), conversationId: 42 }) })],
  ["503 misconfigured", 503, () => ({ body: closed, env: { ...env, ADMIN_TOKEN: undefined } })],
];

describe("webhook fast path", () => {
  it.each(CASES)("answers %s as the app's route does", async (_, status, make) => {
    const fast = await seen(await through("worker", make()));
    const routed = await seen(await through("app", make()));
    expect(fast.status).toBe(status);
    expect(fast).toEqual(routed);
  });

  it("is the path a delivery takes: the app is not called", async () => {
    const viaApp = vi.spyOn(app, "fetch");
    const res = await through("worker", { body: JSON.stringify(fresh(fixtures.conversationClosed)) });
    expect(res.status).toBe(200);
    expect(viaApp).not.toHaveBeenCalled();
    const get = await worker.fetch(new Request(`${BASE}/webhooks/iadvize`), env, createExecutionContext());
    expect(get.status).toBe(405);
    expect(viaApp).toHaveBeenCalledTimes(1);
  });

  it("takes exactly POST /webhooks/iadvize, with or without a query string", () => {
    const is = (method: string, path: string) => isWebhookDelivery(new Request(`${BASE}${path}`, { method }));
    expect(is("POST", "/webhooks/iadvize")).toBe(true);
    expect(is("POST", "/webhooks/iadvize?x=1")).toBe(true);
    expect(is("GET", "/webhooks/iadvize")).toBe(false);
    expect(is("PUT", "/webhooks/iadvize")).toBe(false);
    expect(is("POST", "/webhooks/iadvize/")).toBe(false);
    expect(is("POST", "/webhooks/iadvizeX")).toBe(false);
    expect(is("POST", "/x/webhooks/iadvize")).toBe(false);
    expect(is("POST", "/webhooks")).toBe(false);
  });
});
