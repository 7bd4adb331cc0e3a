// Refusals made before any message are counted, not listed one by one: an IVR looping on a
// bad request adds one row per reason and minute, whose `requests` the admin's counts and
// audit read, so the counts stay right and the table stays bounded.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin } from "../helpers/admin.ts";
import { deflectionTenant, direct, LANDLINE, mobile } from "../helpers/deflection.ts";

const rows = async (tenantId: string) =>
  (await env.DB.prepare(`SELECT status, reason, requests FROM deflections WHERE tenant_id = ?1 ORDER BY rowid`).bind(tenantId).all<{ status: string; reason: string; requests: number }>()).results;

describe("deflection: refusals counted per minute", { timeout: 60_000 }, () => {
  it("60 refusals of a minute are one row per reason; the next minute starts another; the admin counts and audit add up to every request", async () => {
    const t = await deflectionTenant("webhook", { perTenantPerMinute: 1 });
    // Inside one minute whatever the real time: the clock is the test's.
    let clock = Date.parse("2031-03-01T10:00:05Z");
    const { request } = await direct(t.tenantId, { now: () => new Date(clock) });
    const answers = [];
    for (let i = 0; i < 30; i++) answers.push(await request({ phone: mobile() }));
    for (let i = 0; i < 20; i++) answers.push(await request({ phone: LANDLINE, optIn: true }));
    expect((await request({ phone: mobile(), optIn: true })).status).toBe("sent");
    for (let i = 0; i < 10; i++) answers.push(await request({ phone: mobile(), optIn: true }));
    expect(answers.map((a) => a.status)).toEqual([...Array(30).fill("consent_required"), ...Array(20).fill("not_mobile"), ...Array(10).fill("rate_limited")]);
    // Each is told the id of the row that counts it.
    expect(new Set(answers.slice(0, 30).map((a) => a.deflectionId)).size).toBe(1);
    expect(await rows(t.tenantId)).toEqual([
      { status: "rejected", reason: "consent_required", requests: 30 },
      { status: "rejected", reason: "not_mobile", requests: 20 },
      { status: "sent", reason: null, requests: 1 },
      { status: "rejected", reason: "rate_limited", requests: 10 },
    ]);

    clock += 60_000;
    await request({ phone: mobile() });
    expect((await rows(t.tenantId)).filter((r) => r.reason === "consent_required")).toEqual([
      { status: "rejected", reason: "consent_required", requests: 30 },
      { status: "rejected", reason: "consent_required", requests: 1 },
    ]);

    const since = new Date(Date.parse("2031-03-01T00:00:00Z")).toISOString();
    const audit = await (await admin("GET", `/tenants/${t.tenantId}/deflections?since=${since}`)).json<{ deflections: { outcome: string; requests: number }[] }>();
    expect(audit.deflections).toHaveLength(5);
    expect(audit.deflections.reduce((n, d) => n + d.requests, 0)).toBe(62);
  });

  it("the admin's 30-day counts add the requests each row stands for", async () => {
    const t = await deflectionTenant();
    const { request } = await direct(t.tenantId);
    for (let i = 0; i < 12; i++) await request({ phone: mobile() });
    const view = await (await admin("GET", `/tenants/${t.tenantId}`)).json<{ deflectionsLast30Days: Record<string, number> }>();
    expect(view.deflectionsLast30Days).toEqual({ consent_required: 12 });
  });
});
