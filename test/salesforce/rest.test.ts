// One REST request over fetch against the Salesforce emulator: where a path goes, the
// JSON answer, the usage from Sforce-Limit-Info, error answers turned into their
// errorCode (without their text), and a session refused even after a new login.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { SalesforceApi } from "../../src/salesforce/api.ts";
import { salesforceLogin } from "../../src/salesforce/auth.ts";
import { restRequest, restUrl, SalesforceRestError } from "../../src/salesforce/rest.ts";
import type { RestSession } from "../../src/salesforce/rest.ts";
import { forgetTokens } from "../../src/secrets/token-cache.ts";
import { TenantConfig } from "../../src/tenants/schema.ts";
import { newOrg, salesforceSettings, seedRecord } from "../helpers/salesforce.ts";
import type { TestOrg } from "../helpers/salesforce.ts";

const retry = { fetch: (i: RequestInfo | URL, init?: RequestInit) => fetch(i, init), sleep: async () => undefined };

async function sessionOf(org: TestOrg): Promise<RestSession> {
  const settings = TenantConfig.parse({ salesforce: salesforceSettings(org) }).salesforce;
  if (!settings) throw new Error("settings");
  const issued = await salesforceLogin(retry, settings, Date.now());
  return { instanceUrl: issued.value.instanceUrl, token: issued.token };
}

const rejection = (p: Promise<unknown>) => p.then(() => expect.unreachable("resolved"), (e: unknown) => e);

beforeEach(() => forgetTokens());

describe("restUrl", () => {
  it("puts a path under the API version, a /services/ path under the instance, and leaves a URL alone", () => {
    expect(restUrl("https://acme.my.salesforce.com", "62.0", "/composite")).toBe("https://acme.my.salesforce.com/services/data/v62.0/composite");
    expect(restUrl("https://acme.my.salesforce.com", "62.0", "/services/data/v61.0/limits")).toBe("https://acme.my.salesforce.com/services/data/v61.0/limits");
    expect(restUrl("https://acme.my.salesforce.com", "62.0", "https://other.example/x")).toBe("https://other.example/x");
  });
});

describe("restRequest", () => {
  it("answers the parsed JSON body and the org's usage", async () => {
    const org = await newOrg();
    const answer = await restRequest(await sessionOf(org), "62.0", { method: "GET", url: "/limits" });
    expect(answer.body).toMatchObject({ DailyApiRequests: { Max: 100000 } });
    expect(answer.usage).toEqual({ used: 1, limit: 100000 });
  });

  it("rejects an error answer with Salesforce's errorCode and status, the usage kept, the answer's text left out", async () => {
    const org = await newOrg();
    const err = await rejection(
      restRequest(await sessionOf(org), "62.0", {
        method: "PATCH",
        url: "/sobjects/Lead/iAdvize_Visitor_Id__c/v-1",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ Company: "Y" }),
      }),
    );
    expect(err).toBeInstanceOf(SalesforceRestError);
    expect(err).toMatchObject({ errorCode: "REQUIRED_FIELD_MISSING", status: 400, usage: { used: 1, limit: 100000 } });
    expect((err as Error).message).toBe("Salesforce answered 400 REQUIRED_FIELD_MISSING");
  });

  it("rejects a 300 (an external id matching several records) as MULTIPLE_CHOICES", async () => {
    const org = await newOrg();
    for (let i = 0; i < 2; i++) await seedRecord(org, "Lead", { LastName: "A", Company: "B", iAdvize_Visitor_Id__c: "v-3" });
    const err = await rejection(
      restRequest(await sessionOf(org), "62.0", {
        method: "PATCH",
        url: "/sobjects/Lead/iAdvize_Visitor_Id__c/v-3",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ Company: "Z" }),
      }),
    );
    expect(err).toMatchObject({ errorCode: "MULTIPLE_CHOICES", status: 300 });
  });

  it("names an error answer without an error object by its status", async () => {
    const org = await newOrg();
    const err = await rejection(restRequest(await sessionOf(org), "62.0", { method: "GET", url: `${env.TEST_SALESFORCE_URL}/__emulator/orgs/none/stats` }));
    expect(err).toMatchObject({ errorCode: "ERROR_HTTP_404", status: 404, usage: undefined });
  });
});

describe("SalesforceApi's session", () => {
  it("logs in once more when the session is refused, and gives up with auth_failed when the new one is refused too", async () => {
    const org = await newOrg();
    const { instanceUrl } = await sessionOf(org);
    let logins = 0;
    const api = new SalesforceApi(`ha-${Math.floor(Math.random() * 1e9)}`, {
      db: env.DB,
      keys: [env.ENCRYPTION_KEY ?? ""],
      now: () => Date.now(),
      sleep: async () => undefined,
      // A token the org never issued: every request is refused with INVALID_SESSION_ID.
      login: async () => ({ token: `not-a-token-${++logins}`, value: { instanceUrl }, expiresInSec: 1800 }),
    });
    const err = await rejection(api.dailyApiRequests());
    expect(err).toMatchObject({ service: "salesforce", code: "auth_failed", retryable: true });
    expect(logins).toBe(2);
  });
});
