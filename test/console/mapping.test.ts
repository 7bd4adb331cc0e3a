// The console's Mapping page edits the question tags only: saving it keeps a mapping it
// does not show (the latest transaction amount, set through the admin API).
import { exports, env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin } from "../helpers/admin.ts";
import { BASE } from "../helpers/webhook.ts";
import { uniqueProjectId } from "../helpers/ids.ts";

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

describe("console Mapping page", () => {
  it("keeps the transaction.latestAmount mapping when the tags are saved", async () => {
    const { tenantId, cookie } = await signedIn();
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
