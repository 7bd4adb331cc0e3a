// An endpoint key travels in the path: a failure's log line never carries it.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loggablePath } from "../../src/http/log-path.ts";
import { callback, escalationTenant } from "../helpers/escalation.ts";

afterEach(() => vi.restoreAllMocks());

describe("the logged path", () => {
  it("masks a segment as long as a key, keeps the others", () => {
    expect(loggablePath("/escalations/esc_4b1f0c3e9a7d45e2b8c6d1f0a9e3b7c5/callback")).toBe("/escalations/:redacted/callback");
    expect(loggablePath("/admin/api/tenants/ha-3291/check")).toBe("/admin/api/tenants/ha-3291/check");
  });

  it("a storage failure on the escalation endpoint logs no key", async () => {
    const t = await escalationTenant();
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((l: unknown) => void lines.push(String(l)));
    vi.spyOn(env.DB, "prepare").mockImplementation(() => {
      throw new Error("D1_ERROR: overloaded");
    });
    const res = await callback(t.key, { phone: "+33612345678" });
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes(t.key))).toEqual([]);
    expect(lines.some((l) => l.includes("/escalations/:redacted/callback"))).toBe(true);
  });
});
