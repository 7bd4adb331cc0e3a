// The Activity page shows the tenant's backfill with the admin API's progress, and nothing
// when the tenant has none.
import { exports, env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { advanceStatement, createBackfill, holdBackfill } from "../../src/backfill/store.ts";
import { iadvizeSignedIn } from "../helpers/console.ts";
import { BASE } from "../helpers/webhook.ts";

const activity = async (tenantId: string, cookie: string) => (await exports.default.fetch(`${BASE}/setup/t/${tenantId}/activity`, { headers: { cookie } })).text();

describe("console Activity page: backfill panel", () => {
  it("shows the backfill's range, progress and hold, and no panel without one", async () => {
    const { tenantId, cookie } = await iadvizeSignedIn();
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
