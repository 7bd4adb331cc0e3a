// The Activity page shows the tenant's backfill with the admin API's progress, and nothing
// when the tenant has none.
import { exports, env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { advanceStatement, createBackfill, holdBackfill } from "../../src/backfill/store.ts";
import { uniqueProjectId } from "../helpers/ids.ts";
import { BASE } from "../helpers/webhook.ts";

async function signedIn(): Promise<{ tenantId: string; cookie: string }> {
  const project = uniqueProjectId();
  const user = { username: `admin-${crypto.randomUUID()}@acme.example`, password: crypto.randomUUID(), projects: [project] };
  const made = await fetch(`${env.IADVIZE_API_URL}/__emulator/users`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(user) });
  if (!made.ok) throw new Error(`emulator: ${made.status}`);
  const res = await exports.default.fetch(`${BASE}/setup/signin`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE, "cf-connecting-ip": `10.2.${Math.floor(Math.random() * 250)}.1` },
    body: new URLSearchParams({ platform: "ha", projectId: String(project), email: user.username, password: user.password }).toString(),
    redirect: "manual",
  });
  expect(res.status).toBe(303);
  return { tenantId: `ha-${project}`, cookie: (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "" };
}

const activity = async (tenantId: string, cookie: string) => (await exports.default.fetch(`${BASE}/setup/t/${tenantId}/activity`, { headers: { cookie } })).text();

describe("console Activity page: backfill panel", () => {
  it("shows the backfill's range, progress and hold, and no panel without one", async () => {
    const { tenantId, cookie } = await signedIn();
    expect(await activity(tenantId, cookie)).not.toContain('id="backfill"');
    const now = new Date();
    const row = await createBackfill(env.DB, { id: crypto.randomUUID(), tenantId, from: new Date("2026-01-01"), to: new Date("2026-03-01"), dryRun: false }, now);
    if (!row) throw new Error("not created");
    await env.DB.batch([advanceStatement(env.DB, row.id, { windowFrom: new Date("2026-01-30"), pageAfter: null, read: 42, done: false, nextAt: now, release: true }, now)]);
    await holdBackfill(env.DB, row.id, { reason: "iadvize_unavailable", paths: [] }, new Date(now.getTime() + 60_000), now);
    const html = await activity(tenantId, cookie);
    expect(html).toContain('id="backfill" data-status="held"');
    expect(html).toContain("History backfill: 2026-01-01 → 2026-03-01");
    expect(html).toContain('<progress max="100" value="49">');
    expect(html).toMatch(/read<strong>42<\/strong>/);
    expect(html).toContain("held: iadvize_unavailable");
  });
});
