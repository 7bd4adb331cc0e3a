// The console's Mapping page edits the question tags only: saving it keeps a mapping it
// does not show (the latest transaction amount, set through the admin API).
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin } from "../helpers/admin.ts";
import { BASE } from "../helpers/webhook.ts";
import { iadvizeSignedIn } from "../helpers/console.ts";

describe("console Mapping page", () => {
  it("keeps the transaction.latestAmount mapping when the tags are saved", async () => {
    const { tenantId, cookie } = await iadvizeSignedIn();
    const current = await (await admin("GET", `/tenants/${tenantId}`)).json<{ tenant: { config: Record<string, unknown> } }>();
    const amount = { object: "Lead", field: "Last_Order_Amount__c", overwrite: true };
    const put = await admin("PUT", `/tenants/${tenantId}`, { ...current.tenant.config, mapping: { "transaction.latestAmount": amount } });
    expect(put.status).toBe(200);

    const res = await exports.default.fetch(`${BASE}/setup/t/${tenantId}/mapping`, {
      method: "POST",
      headers: { cookie, origin: BASE, "content-type": "application/x-www-form-urlencoded" },
      body: "",
      redirect: "manual",
    });
    expect(res.status).toBe(200);
    // The tags are still offered: Q1 to Q5 when none is mapped.
    const html = await res.text();
    expect([...html.matchAll(/name="target-(Q\d+)"/g)].map((m) => m[1])).toEqual(["Q1", "Q2", "Q3", "Q4", "Q5"]);
    const after = await (await admin("GET", `/tenants/${tenantId}`)).json<{ tenant: { config: { mapping: Record<string, unknown> } } }>();
    expect(after.tenant.config.mapping).toEqual({ "transaction.latestAmount": amount });
  });
});
