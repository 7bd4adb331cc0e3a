// The console's Chat-to-call page inside workerd: a form for every provider of the
// escalation's zod slice, saved through the single save path (the admin API reads back
// what the page saved), secrets shown as set or not and never echoed, the slice's own
// refusals by path, and the free checks' warnings shown after a save.
import { describe, expect, it } from "vitest";
import { admin } from "../helpers/admin.ts";
import { consoleGet, consolePost, dataOf, operatorCookie } from "../helpers/console.ts";
import { account, cc, received } from "../helpers/escalation.ts";
import { uniqueTenantId } from "../helpers/ids.ts";

async function iadvizeOnlyTenant(): Promise<string> {
  const tenantId = uniqueTenantId();
  const res = await admin("PUT", `/tenants/${tenantId}`, { iadvize: { username: `api-${crypto.randomUUID()}@acme.example`, password: "pw" } });
  expect(res.status).toBe(201);
  return tenantId;
}

async function providerOf(tenantId: string): Promise<Record<string, unknown>> {
  const res = await admin("GET", `/tenants/${tenantId}`);
  return (await res.json<{ tenant: { config: { escalation: { provider: Record<string, unknown> } } } }>()).tenant.config.escalation.provider;
}

describe("console Chat-to-call page", { timeout: 60_000 }, () => {
  it("offers every provider the escalation supports, each with the settings of its slice", async () => {
    const tenantId = await iadvizeOnlyTenant();
    const html = await (await consoleGet(`/t/${tenantId}/escalation`, await operatorCookie())).text();
    expect(dataOf(html, "data-provider")).toEqual(["webhook", "genesys", "twilio", "talkdesk", "aircall"]);
    for (const id of ["genesys-queueId", "twilio-accountSid", "twilio-twimlUrl", "talkdesk-talkdeskPhoneNumber", "aircall-userId", "aircall-numberId"]) expect(html).toContain(`id="${id}"`);
    for (const secret of ["webhook-secret", "genesys-clientSecret", "twilio-authToken", "talkdesk-clientSecret", "aircall-apiToken"]) {
      expect(html).toMatch(new RegExp(`id="${secret}" name="${secret}" type="password"`));
    }
    // The slice's defaults fill the fields that have one.
    expect(html).toContain('id="aircall-apiUrl" name="aircall-apiUrl" type="text" value="https://api.aircall.io"');
  });

  it("saves Aircall through the save path: numbers as numbers, the token sealed, shown as set and never echoed; an empty secret keeps it; a test call goes through", async () => {
    const tenantId = await iadvizeOnlyTenant();
    const name = `acct-${crypto.randomUUID().slice(0, 8)}`;
    const token = `ac-token-${crypto.randomUUID()}`;
    await account(name, { secret: token, users: [8] });
    const cookie = await operatorCookie();
    const form = { type: "aircall", "aircall-apiUrl": `${cc()}/aircall`, "aircall-apiId": name, "aircall-apiToken": token, "aircall-userId": "8", "aircall-numberId": "1", defaultCountry: "fr", allowedCountries: "FR, BE" };
    const res = await consolePost(`/t/${tenantId}/escalation`, cookie, form);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Saved.");
    expect(html).not.toContain(token);
    expect(await providerOf(tenantId)).toEqual({ type: "aircall", apiUrl: `${cc()}/aircall`, apiId: name, apiToken: { set: true }, userId: 8, numberId: 1 });

    const again = await (await consoleGet(`/t/${tenantId}/escalation`, cookie)).text();
    expect(again).not.toContain(token);
    expect(again).toContain('data-provider-current="aircall"');
    expect(again).toMatch(/id="aircall-apiToken-status" data-secret="set"/);
    expect(again).toMatch(/id="twilio-authToken-status" data-secret="not_set"/);

    // Saved again with the token left empty: the stored one is kept, and works.
    const kept = await consolePost(`/t/${tenantId}/escalation`, cookie, { ...form, "aircall-apiToken": "", "aircall-numberId": "2" });
    expect(kept.status).toBe(200);
    expect(await providerOf(tenantId)).toMatchObject({ apiToken: { set: true }, numberId: 2 });
    const call = await consolePost(`/t/${tenantId}/escalation/test`, cookie, { phone: "+33 6 98 76 54 32" });
    expect(await call.text()).toContain("scheduled:");
    expect((await received(name)).map((r) => [r.provider, r.phone])).toEqual([["aircall", "+33698765432"]]);
  });

  it("answers the slice's refusals by path, keeps what was typed but no secret, and changes nothing", async () => {
    const tenantId = await iadvizeOnlyTenant();
    const cookie = await operatorCookie();
    const res = await consolePost(`/t/${tenantId}/escalation`, cookie, {
      type: "twilio",
      "twilio-apiUrl": `${cc()}/twilio`,
      "twilio-accountSid": "not-a-sid",
      "twilio-authToken": "tw-secret-typed",
      "twilio-from": "+33100000000",
      "twilio-twimlUrl": "https://example.com/twiml",
      defaultCountry: "FR",
      allowedCountries: "FR",
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("escalation.provider.accountSid: must be a Twilio Account SID (AC…)");
    expect(html).toContain('id="twilio-from" name="twilio-from" type="text" value="+33100000000"');
    expect(html).not.toContain("tw-secret-typed");
    const tenant = await (await admin("GET", `/tenants/${tenantId}`)).json<{ tenant: { config: Record<string, unknown> } }>();
    expect(tenant.tenant.config.escalation).toBeUndefined();
  });

  it("shows the warnings of the free checks after a save instead of dropping them", async () => {
    const tenantId = await iadvizeOnlyTenant();
    const name = `acct-${crypto.randomUUID().slice(0, 8)}`;
    await account(name, { secret: "hook-secret" });
    const res = await consolePost(`/t/${tenantId}/escalation`, await operatorCookie(), {
      type: "webhook",
      "webhook-url": `${cc()}/webhook/${name}`,
      "webhook-secret": "hook-secret",
      defaultCountry: "FR",
      allowedCountries: "FR",
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    // The same warnings as PUT /admin/api/tenants/:id answers for this tenant.
    const put = await admin("PUT", `/tenants/${tenantId}`, (await (await admin("GET", `/tenants/${tenantId}`)).json<{ tenant: { config: unknown } }>()).tenant.config);
    const warnings = (await put.json<{ warnings: { id: string; message: string }[] }>()).warnings;
    expect(warnings.map((w) => w.id)).toEqual(["config.salesforce"]);
    expect(dataOf(html, "data-warning")).toEqual(["config.salesforce"]);
    expect(html).toContain(warnings[0]?.message ?? "?");
  });
});
