// A tenant whose secrets no ENCRYPTION_KEY opens (a key dropped from the rotation too
// early) is shown as such: the list still answers for every other tenant, and the
// tenant itself answers a JSON 503 that names the cause, never a 500 or a secret.
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { encrypt } from "../../src/secrets/cipher.ts";
import { admin, tenantBody } from "../helpers/admin.ts";
import { uniqueTenantId } from "../helpers/ids.ts";

/** A key the Worker under test does not have. */
const LOST_KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));

describe("a tenant sealed under a key the Worker no longer has", () => {
  const readable = uniqueTenantId();
  const lost = uniqueTenantId();
  afterAll(async () => {
    await env.DB.prepare(`DELETE FROM tenants WHERE id IN (?1, ?2)`).bind(readable, lost).run();
  });

  it("is listed as unreadable beside the others, and answers 503 misconfigured on its own", async () => {
    expect((await admin("PUT", `/tenants/${readable}`, tenantBody())).status).toBe(201);
    const sealed = await encrypt([LOST_KEY], JSON.stringify({ "iadvize.password": "lost-pa55word" }), lost);
    const now = new Date().toISOString();
    await env.DB.prepare(`INSERT INTO tenants (id, settings, secrets, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)`)
      .bind(lost, JSON.stringify({ name: "Lost Motors" }), sealed, now)
      .run();

    const listed = await admin("GET", "/tenants");
    expect(listed.status).toBe(200);
    const { tenants } = await listed.json<{ tenants: { id: string; secretsUnreadable?: true; config: Record<string, unknown> }[] }>();
    const byId = new Map(tenants.map((t) => [t.id, t]));
    expect(byId.get(readable)?.secretsUnreadable).toBeUndefined();
    expect(byId.get(readable)?.config).toMatchObject({ iadvize: { password: { set: true } } });
    expect(byId.get(lost)).toMatchObject({ secretsUnreadable: true, config: { name: "Lost Motors" } });

    const alone = await admin("GET", `/tenants/${lost}`);
    expect(alone.status).toBe(503);
    const text = await alone.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: "misconfigured" } });
    expect(text).toContain("ENCRYPTION_KEY");
    expect(text).not.toContain("lost-pa55word");
  });
});
