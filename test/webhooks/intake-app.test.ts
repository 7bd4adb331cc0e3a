// The intake's own app (the Worker's fetch sends POST /webhooks/iadvize to it, past the
// main router) answers exactly as the main app would: same checks, same error envelope,
// same request id, same configuration check.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Bindings } from "../../src/env.ts";
import worker from "../../src/index.ts";
import { app } from "../../src/app.ts";
import { isIntake } from "../../src/webhooks/intake-app.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { BASE, fresh, sendEvent, sendRaw } from "../helpers/webhook.ts";

async function throughWorker(req: Request, bindings: Bindings = env): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(req, bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("the intake's own app", () => {
  it("takes POST /webhooks/iadvize exactly, and nothing else", () => {
    expect(isIntake(new Request(`${BASE}/webhooks/iadvize`, { method: "POST" }))).toBe(true);
    expect(isIntake(new Request("http://127.0.0.1:8787/webhooks/iadvize", { method: "POST" }))).toBe(true);
    expect(isIntake(new Request(`${BASE}/webhooks/iadvize`))).toBe(false);
    expect(isIntake(new Request(`${BASE}/webhooks/iadvize?x=1`, { method: "POST" }))).toBe(false);
    expect(isIntake(new Request(`${BASE}/webhooks/iadvize/`, { method: "POST" }))).toBe(false);
    expect(isIntake(new Request(`${BASE}/x/webhooks/iadvize`, { method: "POST" }))).toBe(false);
  });

  it("accepts a signed event with a request id, as the main app does", async () => {
    const res = await sendEvent(fresh(fixtures.conversationClosed));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "accepted" });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers a bad signature with the main app's envelope, status and request id", async () => {
    const body = JSON.stringify(fresh(fixtures.conversationClosed));
    const res = await sendRaw(body, { signature: "sha256=00" });
    const viaMain = await app.request(`${BASE}/webhooks/iadvize`, { method: "POST", headers: { "content-type": "application/json", "x-iadvize-signature": "sha256=00" }, body }, env);
    expect(res.status).toBe(401);
    expect(res.status).toBe(viaMain.status);
    const answer = await res.json<{ error: { code: string; message: string; requestId: string } }>();
    const main = await viaMain.json<{ error: { code: string; message: string } }>();
    expect(answer.error.code).toBe("invalid_signature");
    expect({ code: answer.error.code, message: answer.error.message }).toEqual({ code: main.error.code, message: main.error.message });
    expect(answer.error.requestId).toBe(res.headers.get("x-request-id"));
  });

  it("answers 503 misconfigured when a secret is missing, as the main app does", async () => {
    const res = await throughWorker(new Request(`${BASE}/webhooks/iadvize`, { method: "POST", body: "{}" }), { ...env, ADMIN_TOKEN: "" });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: "misconfigured" } });
  });
});
