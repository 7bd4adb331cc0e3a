// The phone-hash key survives an ENCRYPTION_KEY rotation (`new,old`, then `new`): opt-outs
// still refuse, active sessions are still found; a deployment with hashes made before the
// stored key existed keeps matching them.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import worker from "../../src/index.ts";
import { hmacSha256Hex } from "../../src/lib/hmac.ts";
import { ADMIN_TOKEN } from "../helpers/secrets.ts";
import { holdSurveyQueue, mobile, reply, send, sendBody, session, signedReply, surveyTenant, surveysConfig } from "../helpers/surveys.ts";
import type { SurveyTenant } from "../helpers/surveys.ts";
import { BASE } from "../helpers/webhook.ts";

let queue: ReturnType<typeof holdSurveyQueue>;
beforeEach(() => {
  queue = holdSurveyQueue();
});
afterEach(() => queue.restore());

const freshKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

/** The Worker run with another ENCRYPTION_KEY, as after `wrangler secret put`. */
async function withKey(encryptionKey: string, req: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(req, { ...env, ENCRYPTION_KEY: encryptionKey }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const json = { "content-type": "application/json" };
const sendWith = async (key: string, t: SurveyTenant, phone: string) =>
  (await withKey(key, new Request(`${BASE}/surveys/send`, { method: "POST", headers: { ...json, authorization: `Bearer ${t.key}` }, body: JSON.stringify(sendBody(phone)) }))).json();

describe("ENCRYPTION_KEY rotation and phone hashes", () => {
  it("keeps opt-outs and finds active sessions with `new,old` and then `new` alone", async () => {
    const original = env.ENCRYPTION_KEY;
    const t = await surveyTenant();
    const stopped = mobile();
    const active = mobile();
    expect((await send(t.key, sendBody(stopped))).status).toBe(202);
    const { sessionId } = (await (await send(t.key, sendBody(active))).json()) as { sessionId: string };
    await queue.drain();
    expect((await reply(t, stopped, "STOP")).status).toBe(200);

    const fresh = freshKey();
    // Test files share one D1: a tenant sealed under a key the suite does not have would
    // break every later listing of the tenants, so it goes when the test ends.
    onTestFinished(async () => {
      const res = await withKey(fresh, new Request(`${BASE}/admin/api/tenants/${t.tenantId}`, { method: "DELETE", headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }));
      if (res.status !== 204 && res.status !== 200) throw new Error(`clean-up: ${res.status}`);
    });
    expect(await sendWith(`${fresh},${original}`, t, stopped)).toMatchObject({ status: "not_sent", reason: "opted_out" });
    // The admin re-saves the tenant (its secrets sealed anew), then drops the old key.
    const saved = await withKey(`${fresh},${original}`, new Request(`${BASE}/admin/api/tenants/${t.tenantId}`, { method: "PUT", headers: { ...json, authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify({ surveys: surveysConfig(t) }) }));
    expect(saved.status).toBe(200);
    expect(await sendWith(fresh, t, stopped)).toMatchObject({ status: "not_sent", reason: "opted_out" });

    const before = await session(sessionId);
    const r = await signedReply(t, active, "9");
    const answered = await withKey(fresh, new Request(r.url, { method: "POST", headers: r.headers, body: r.body }));
    expect(answered.status).toBe(200);
    const after = await session(sessionId);
    expect(after?.current_element).not.toBe(before?.current_element);
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM survey_answers WHERE session_id = ?1`).bind(sessionId).first("n")).toBe(1);
  });

  it("adopts the first ENCRYPTION_KEY as hashing key where hashes made with it exist", async () => {
    const stored = await env.DB.prepare(`SELECT * FROM hashing_keys WHERE id = 'phone'`).first<{ sealed: string; created_at: string; updated_at: string }>();
    const t = await surveyTenant();
    const phone = mobile();
    // A deployment from before the stored key: its opt-out hashed with the first ENCRYPTION_KEY.
    const legacy = freshKey();
    const keys = `${legacy},${env.ENCRYPTION_KEY}`;
    await env.DB.prepare(`DELETE FROM hashing_keys`).run();
    try {
      await env.DB.prepare(`INSERT INTO survey_optouts (tenant_id, phone_hash, source, created_at) VALUES (?1, ?2, 'keyword', ?3)`)
        .bind(t.tenantId, await hmacSha256Hex(legacy, `${t.tenantId}:phone:${phone}`), new Date().toISOString())
        .run();
      expect(await sendWith(keys, t, phone)).toMatchObject({ status: "not_sent", reason: "opted_out" });
    } finally {
      await env.DB.prepare(`DELETE FROM hashing_keys`).run();
      if (stored) await env.DB.prepare(`INSERT INTO hashing_keys (id, sealed, created_at, updated_at) VALUES ('phone', ?1, ?2, ?3)`).bind(stored.sealed, stored.created_at, stored.updated_at).run();
    }
  });
});
