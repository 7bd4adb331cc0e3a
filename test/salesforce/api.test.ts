// The Salesforce API wrapper (jsforce in workerd) against the emulator: composite calls,
// the usage read from Sforce-Limit-Info, retries, the allowance, and session expiry.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { SalesforceApi } from "../../src/salesforce/api.ts";
import { salesforceLogin } from "../../src/salesforce/auth.ts";
import { forgetTokens } from "../../src/secrets/token-cache.ts";
import { TenantConfig } from "../../src/tenants/schema.ts";
import { apiUsed, expireSfTokens, newOrg, records, salesforceSettings, seedRecord, sfFaults } from "../helpers/salesforce.ts";
import type { TestOrg } from "../helpers/salesforce.ts";

const retry = { fetch: (i: RequestInfo | URL, init?: RequestInit) => fetch(i, init), sleep: async () => undefined };
let logins = 0;

function api(org: TestOrg, tenantId = `ha-${Math.floor(Math.random() * 1e9)}`) {
  const settings = TenantConfig.parse({ salesforce: salesforceSettings(org) }).salesforce;
  if (!settings) throw new Error("settings");
  return new SalesforceApi(tenantId, {
    db: env.DB,
    keys: [env.ENCRYPTION_KEY ?? ""],
    now: () => Date.now(),
    sleep: async () => undefined,
    login: () => {
      logins++;
      return salesforceLogin(retry, settings, Date.now());
    },
  });
}

const query = (soql: string) => ({ method: "GET" as const, url: `/services/data/v62.0/query?q=${encodeURIComponent(soql)}`, referenceId: "q" });

beforeEach(() => {
  logins = 0;
  forgetTokens();
});

describe("SalesforceApi", () => {
  it("sends a composite as one API call and reads the org's usage", async () => {
    const org = await newOrg();
    const a = api(org);
    const [r] = await a.composite([query("SELECT Id FROM Lead"), { ...query("SELECT Id FROM Contact"), referenceId: "c" }], { autoAssign: false });
    expect(r).toMatchObject({ referenceId: "q", httpStatusCode: 200, body: { totalSize: 0 } });
    expect(a.calls).toBe(1);
    expect(a.usage).toEqual({ used: 1, limit: 100000 });
    expect(await apiUsed(org)).toBe(1);
  });

  it("retries 503 answers with backoff, counting each call", async () => {
    const org = await newOrg();
    await sfFaults(org, { fail503: 2 });
    const a = api(org);
    await a.composite([query("SELECT Id FROM Lead")], { autoAssign: false });
    expect(a.calls).toBe(3);
  });

  it("gives up after its attempts with a retryable error", async () => {
    const org = await newOrg();
    await sfFaults(org, { fail503: 5 });
    const err = await api(org).composite([query("SELECT Id FROM Lead")], { autoAssign: false }).catch((e: unknown) => e);
    expect(err).toMatchObject({ service: "salesforce", code: "unavailable", retryable: true });
  });

  it("an answer in XML (a SOAP-style fault, a proxy's page) is a retryable bad answer, each call counted, never a crash of the XML parser left out of the bundle", async () => {
    const org = await newOrg();
    const xml = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>sf:UNKNOWN</faultcode><faultstring>upstream</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;
    for (const contentType of ["text/xml", "application/xml; charset=UTF-8"]) {
      await sfFaults(org, { foreign: { count: 1, status: 200, contentType, body: xml } });
      const a = api(org);
      const used = await apiUsed(org);
      const err = await a.composite([query("SELECT Id FROM Lead")], { autoAssign: false }).catch((e: unknown) => e);
      expect(err, contentType).toMatchObject({ service: "salesforce", code: "bad_answer", retryable: true });
      expect(a.calls, contentType).toBe(1);
      expect((await apiUsed(org)) - used, contentType).toBe(a.calls);
    }
    // The same page with an error status: retried as Salesforce's own 5xx, then a retryable error.
    await sfFaults(org, { foreign: { count: 5, status: 500, contentType: "text/xml", body: xml } });
    const a = api(org);
    const err = await a.composite([query("SELECT Id FROM Lead")], { autoAssign: false }).catch((e: unknown) => e);
    expect(err).toMatchObject({ service: "salesforce", code: "unavailable", retryable: true });
    expect(a.calls).toBe(3);
  });

  it("reports a used-up allowance as request_limit_exceeded", async () => {
    const org = await newOrg();
    await sfFaults(org, { requestLimitExceeded: true });
    const err = await api(org).composite([query("SELECT Id FROM Lead")], { autoAssign: false }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "request_limit_exceeded", retryable: true });
  });

  it("logs in again, once, on INVALID_SESSION_ID and repeats the request", async () => {
    const org = await newOrg();
    const tenantId = `ha-${Math.floor(Math.random() * 1e9)}`;
    await api(org, tenantId).composite([query("SELECT Id FROM Lead")], { autoAssign: false });
    await expireSfTokens(org);
    const [r] = await api(org, tenantId).composite([query("SELECT Id FROM Lead")], { autoAssign: false });
    expect(r?.httpStatusCode).toBe(200);
    expect(logins).toBe(2);
  });
});

describe("composite write headers", () => {
  const update = (id: string) => ({
    method: "PATCH" as const,
    url: "/services/data/v62.0/composite/sobjects",
    referenceId: "u",
    body: { allOrNone: false, records: [{ attributes: { type: "Lead" }, Id: id, Phone: "+33612345678" }] },
  });

  it("an update through a composite never re-runs assignment rules: Sforce-Auto-Assign rides on each subrequest", async () => {
    const org = await newOrg();
    const lead = await seedRecord(org, "Lead", { LastName: "Doe", Company: "X", OwnerId: "005SALESREP" });
    const [r] = await api(org).composite([update(lead.Id)], { autoAssign: false });
    expect(r?.httpStatusCode).toBe(200);
    expect((await records(org, "Lead"))[0]).toMatchObject({ Phone: "+33612345678", OwnerId: "005SALESREP" });
  });

  it("the emulator does not let the composite's own headers reach its subrequests", async () => {
    const org = await newOrg();
    const lead = await seedRecord(org, "Lead", { LastName: "Doe", Company: "X", OwnerId: "005SALESREP" });
    const token = await salesforceLogin(retry, TenantConfig.parse({ salesforce: salesforceSettings(org) }).salesforce as never, Date.now());
    const res = await fetch(`${env.TEST_SALESFORCE_URL}/services/data/v62.0/composite`, {
      method: "POST",
      headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json", "sforce-auto-assign": "FALSE" },
      body: JSON.stringify({ allOrNone: false, compositeRequest: [update(lead.Id)] }),
    });
    expect(res.status).toBe(200);
    // Without its own httpHeaders the subrequest runs with the default, TRUE: the Lead changes owner.
    expect((await records(org, "Lead"))[0]?.OwnerId).not.toBe("005SALESREP");
  });
});

describe("the emulator's single upsert, as the REST API answers it", () => {
  it("answers 201 on create, 200 on update, and 300 when the external id matches several records", async () => {
    const org = await newOrg();
    const token = await salesforceLogin(retry, TenantConfig.parse({ salesforce: salesforceSettings(org) }).salesforce as never, Date.now());
    const upsert = (value: string, body: unknown) =>
      fetch(`${env.TEST_SALESFORCE_URL}/services/data/v62.0/sobjects/Lead/iAdvize_Visitor_Id__c/${encodeURIComponent(value)}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const created = await upsert("v-1", { LastName: "Doe", Company: "X" });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ success: true, created: true });
    expect(created.headers.get("sforce-limit-info")).toMatch(/^api-usage=\d+\/100000$/);
    expect((await upsert("v-1", { Company: "Y" })).status).toBe(200);
    const missing = await upsert("v-2", { Company: "Y" });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual([expect.objectContaining({ errorCode: "REQUIRED_FIELD_MISSING" })]);
    await fetch(`${env.TEST_SALESFORCE_URL}/__emulator/orgs/${org.id}/records`, { method: "POST", body: JSON.stringify({ object: "Lead", fields: { LastName: "A", Company: "B", iAdvize_Visitor_Id__c: "v-3" } }) });
    await fetch(`${env.TEST_SALESFORCE_URL}/__emulator/orgs/${org.id}/records`, { method: "POST", body: JSON.stringify({ object: "Lead", fields: { LastName: "A", Company: "B", iAdvize_Visitor_Id__c: "v-3" } }) });
    expect((await upsert("v-3", { Company: "Z" })).status).toBe(300);
  });
});
