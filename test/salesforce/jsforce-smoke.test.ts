import { env } from "cloudflare:workers";
import { Connection } from "jsforce/core";
import { it, expect } from "vitest";

it("jsforce/core runs in workerd against the emulator", async () => {
  const base = env.TEST_SALESFORCE_URL;
  await fetch(`${base}/__emulator/orgs`, { method: "POST", body: JSON.stringify({ id: "smoke", clientId: "smoke-client", clientSecret: "s" }) });
  const tok = await (await fetch(`${base}/services/oauth2/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=client_credentials&client_id=smoke-client&client_secret=s" })).json<{ access_token: string; instance_url: string }>();
  const conn = new Connection({ instanceUrl: tok.instance_url, accessToken: tok.access_token, version: "62.0" });
  const r = await conn.query("SELECT Id, Email FROM Lead WHERE Email IN ('a@b.c')");
  expect(r.totalSize).toBe(0);
  const c = await conn.request({ method: "POST", url: "/composite", body: JSON.stringify({ compositeRequest: [{ method: "GET", url: "/services/data/v62.0/query?q=SELECT+Id+FROM+Contact", referenceId: "q" }] }), headers: { "content-type": "application/json", "Sforce-Auto-Assign": "FALSE" } });
  expect(c).toMatchObject({ compositeResponse: [{ httpStatusCode: 200 }] });
  expect(conn.limitInfo).toMatchObject({ apiUsage: { used: 2, limit: 100000 } });
});
