// The console's Checks page runs the preflight (the admin check route's run): every check
// listed, a failing one with its hint, for a tenant signed in with iAdvize only.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE } from "../helpers/webhook.ts";
import { iadvizeSignedIn } from "../helpers/console.ts";

describe("console Checks page", () => {
  it("shows the preflight's every check, Salesforce missing failed with its hint", async () => {
    const { tenantId, cookie } = await iadvizeSignedIn();
    const res = await exports.default.fetch(`${BASE}/setup/t/${tenantId}/checks`, {
      method: "POST",
      headers: { cookie, origin: BASE, "content-type": "application/x-www-form-urlencoded" },
      body: "",
      redirect: "manual",
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    const lines = [...html.matchAll(/data-check="([^"]+)" data-status="([^"]+)"/g)].map((m) => [m[1], m[2]]);
    expect(lines.map(([id]) => id)).toEqual([
      "iadvize.login",
      "iadvize.schema",
      "iadvize.project",
      "salesforce.auth",
      "salesforce.package",
      "salesforce.mapping",
      "salesforce.assignment",
      "salesforce.api_usage",
      "escalation.provider",
    ]);
    expect(Object.fromEntries(lines)).toMatchObject({ "iadvize.login": "ok", "iadvize.project": "ok", "salesforce.auth": "failed" });
    const salesforce = html.slice(html.indexOf('data-check="salesforce.auth"'));
    expect(salesforce.slice(0, salesforce.indexOf("</li>"))).toContain('class="hint"');
  });
});
