// The console's Activity page inside workerd: a contract hold shown as blocked (what is
// missing and how to resume), an outage shown as paused (which service, until when), the
// conversations by state with the reason of each failure, a redrive, and pages of 20.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { syncTenant } from "../../src/sync/crm-sync.ts";
import { admin } from "../helpers/admin.ts";
import { consoleGet, consolePost, dataOf, operatorCookie } from "../helpers/console.ts";
import { callback, escalationTenant } from "../helpers/escalation.ts";
import { setFaults, setSchemaVariant } from "../helpers/iadvize.ts";
import { Sim, testConfig } from "../helpers/sim.ts";
import { newSyncTenant, pendingConversation } from "../helpers/tenant.ts";
import type { SyncTenant } from "../helpers/tenant.ts";

async function activity(t: SyncTenant, cookie: string, query = ""): Promise<string> {
  const res = await consoleGet(`/t/${t.tenantId}/activity${query}`, cookie);
  expect(res.status).toBe(200);
  return res.text();
}

const count = (html: string, state: string) => Number(new RegExp(`data-state="${state}"><a[^>]*>[^<]*</a><strong>(\\d+)</strong>`).exec(html)?.[1] ?? "NaN");

/** Conversation rows: [id, state, reason]. */
const rows = (html: string) => [...html.matchAll(/<tr data-conversation="([^"]+)" data-state="([^"]+)">(?:.*?<td>){4}([^<]*)<\/td>/gs)].map((m) => [m[1], m[2], m[3]]);

describe("console Activity page", { timeout: 60_000 }, () => {
  it("shows a contract hold as blocked: the reason, the missing paths, the hint to fix and re-run the checks; its conversations blocked", async () => {
    const sim = new Sim();
    const t = await newSyncTenant();
    const a = await pendingConversation(t, {}, sim.now);
    const b = await pendingConversation(t, {}, sim.now);
    await setSchemaVariant(t.iadvizeUser.username, { removeFields: ["Visitor.email"] });
    expect(await syncTenant(env.DB, testConfig(), t.tenantId, sim.deps)).toMatchObject({ kind: "held", hold: { reason: "iadvize_schema_mismatch" } });
    // One more arrives while held: never tried, blocked all the same.
    const c = await pendingConversation(t, {}, sim.now);

    const cookie = await operatorCookie();
    const html = await activity(t, cookie);
    expect(dataOf(html, "data-hold")).toEqual(["iadvize_schema_mismatch"]);
    expect(dataOf(html, "data-hold-kind")).toEqual(["blocked"]);
    const notice = html.slice(html.indexOf("data-hold="), html.indexOf("<p>", html.indexOf("data-hold=")));
    expect(notice).toContain("Syncing is blocked:");
    expect(notice).toContain("<code>Visitor.email</code>");
    expect(notice).toContain(`href="/setup/t/${t.tenantId}/checks"`);
    expect(notice).toContain("run the checks again to resume.");
    expect(count(html, "blocked")).toBe(3);
    expect(count(html, "pending")).toBe(0);
    const listed = new Map(rows(html).map(([id, state, reason]) => [id, [state, reason]]));
    expect(listed.get(a.id)).toEqual(["blocked", "iadvize_schema_mismatch: Visitor.email"]);
    expect(listed.get(b.id)).toEqual(["blocked", "iadvize_schema_mismatch: Visitor.email"]);
    expect(listed.get(c.id)).toEqual(["blocked", "iadvize_schema_mismatch"]);
    // The filters: blocked lists them, pending none.
    expect(rows(await activity(t, cookie, "?state=blocked"))).toHaveLength(3);
    expect(rows(await activity(t, cookie, "?state=pending"))).toHaveLength(0);
    // The operator's list of tenants names the hold.
    const tenants = await (await consoleGet("/tenants", cookie)).text();
    const line = tenants.slice(tenants.indexOf(`<tr data-tenant="${t.tenantId}">`));
    expect(line.slice(0, line.indexOf("</tr>"))).toContain("<td>iadvize_schema_mismatch</td>");
  });

  it("shows an outage as paused: which service, until when; its conversations stay pending", async () => {
    const sim = new Sim();
    const t = await newSyncTenant();
    const a = await pendingConversation(t, {}, sim.now);
    await setFaults(t.iadvizeUser.username, { down: true });
    const run = await syncTenant(env.DB, testConfig(), t.tenantId, sim.deps);
    expect(run).toMatchObject({ kind: "held", hold: { reason: "iadvize_unavailable" } });
    const until = run.kind === "held" ? run.hold.until : null;
    await setFaults(t.iadvizeUser.username, {});

    const html = await activity(t, await operatorCookie());
    expect(dataOf(html, "data-hold")).toEqual(["iadvize_unavailable"]);
    expect(dataOf(html, "data-hold-kind")).toEqual(["paused"]);
    expect(html).toContain("Syncing is paused:");
    expect(html).toContain("iAdvize does not answer.");
    expect(html).toContain(`It resumes by itself after ${until}.`);
    expect(count(html, "pending")).toBe(1);
    expect(count(html, "blocked")).toBe(0);
    expect(rows(html)).toEqual([[a.id, "pending", "iadvize_unavailable"]]);
  });

  it("lists failed conversations with their reason (codes and field names) and queues them again on redrive", async () => {
    const t = await newSyncTenant();
    const failed = await pendingConversation(t);
    await env.DB.prepare(`UPDATE conversations SET sync_status = 'failed', sync_error = ?3, sync_attempts = 1 WHERE tenant_id = ?1 AND conversation_id = ?2`)
      .bind(t.tenantId, failed.id, JSON.stringify({ code: "salesforce_FIELD_CUSTOM_VALIDATION_EXCEPTION", fields: ["Vehicle__c"] }))
      .run();
    const cookie = await operatorCookie();
    const html = await activity(t, cookie, "?state=failed");
    expect(rows(html)).toEqual([[failed.id, "failed", "salesforce_FIELD_CUSTOM_VALIDATION_EXCEPTION: Vehicle__c"]]);
    expect(html).toContain(`action="/setup/t/${t.tenantId}/activity/redrive"`);

    const res = await consolePost(`/t/${t.tenantId}/activity/redrive`, cookie, {});
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Queued again: 1");
    expect(count(await activity(t, cookie), "failed")).toBe(0);
  });

  it("pages the conversations 20 at a time", async () => {
    const t = await newSyncTenant();
    const at = Date.parse("2026-11-20T12:00:00Z");
    const ids = Array.from({ length: 25 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    await env.DB.batch(
      ids.map((id, i) =>
        env.DB.prepare(
          `INSERT INTO conversations (tenant_id, conversation_id, status, operator_ids, updated_at, sync_status) VALUES (?1, ?2, 'closed', '[]', ?3, 'synced')`,
        ).bind(t.tenantId, id, new Date(at + i * 1000).toISOString()),
      ),
    );
    const cookie = await operatorCookie();
    const first = await activity(t, cookie);
    expect(rows(first).map(([id]) => id)).toEqual(ids.slice(5).reverse());
    expect(first).toContain(`href="/setup/t/${t.tenantId}/activity?page=1" rel="next"`);
    expect(first).not.toContain('rel="prev"');
    const second = await activity(t, cookie, "?page=1");
    expect(rows(second).map(([id]) => id)).toEqual(ids.slice(0, 5).reverse());
    expect(second).toContain('rel="prev"');
    expect(second).not.toContain('rel="next"');
  });

  it("draws the Salesforce API calls of each of the last 30 days as an SVG, with the admin API's figures, and counts chat-to-call requests by outcome", async () => {
    const sim = new Sim();
    const t = await newSyncTenant();
    await pendingConversation(t, {}, sim.now);
    expect(await syncTenant(env.DB, testConfig(), t.tenantId, sim.deps)).toMatchObject({ kind: "done", synced: 1 });
    const usage = (await (await admin("GET", `/tenants/${t.tenantId}`)).json<{ salesforceUsage: { day: string; calls: number }[] }>()).salesforceUsage;
    expect(usage.length).toBe(1);
    const html = await activity(t, await operatorCookie());
    const svg = html.slice(html.indexOf("<svg"), html.indexOf("</svg>"));
    const bars = [...svg.matchAll(/<rect [^>]*height="(\d+)"[^>]*><title>([\d-]+): (\d+)<\/title>/g)].map((m) => ({ height: Number(m[1]), day: m[2], calls: Number(m[3]) }));
    expect(bars).toHaveLength(30);
    expect(bars.at(-1)).toMatchObject({ day: usage[0]?.day, calls: usage[0]?.calls });
    expect(bars.at(-1)?.height).toBeGreaterThan(0);
    expect(bars.slice(0, 29).every((b) => b.calls === 0 && b.height === 0)).toBe(true);

    // Chat-to-call requests of the last 30 days, by what the bot was told.
    const e = await escalationTenant();
    expect((await callback(e.key, { phone: "06 12 34 56 78", consent: "oui" })).status).toBe(200);
    expect((await callback(e.key, { phone: "06 12", consent: "oui" })).status).toBe(200);
    const page = await (await consoleGet(`/t/${e.tenantId}/activity`, await operatorCookie())).text();
    const outcomes = Object.fromEntries([...page.matchAll(/data-escalation-status="([^"]+)">[^<]*<strong>(\d+)<\/strong>/g)].map((m) => [m[1], Number(m[2])]));
    expect(outcomes).toEqual({ scheduled: 1, invalid_phone: 1 });
  });
});
