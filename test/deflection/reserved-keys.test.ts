// A field named __proto__, constructor or prototype is refused with a 400 that names it, in
// the IVR's request (JSON or form fields) and in the tenant's config: zod's records would
// drop __proto__ without a word, and nothing the caller sends is silently lost.
import { describe, expect, it } from "vitest";
import { admin } from "../helpers/admin.ts";
import { deflect, deflectionTenant, mobile } from "../helpers/deflection.ts";
import { uniqueTenantId } from "../helpers/ids.ts";

const RESERVED = ["__proto__", "constructor", "prototype"];

describe("deflection: reserved field names", () => {
  it("the IVR's conversationFields and customerFields refuse each reserved name by name, JSON or form", async () => {
    const t = await deflectionTenant();
    for (const key of RESERVED) {
      for (const group of ["conversationFields", "customerFields"]) {
        // Written as text: JSON.parse makes "__proto__" an own key, as an IVR's body does.
        const json = await deflect(t.key, `{"phone": "${mobile()}", "optIn": true, "${group}": {"queue": "billing", "${key}": "x"}}`);
        expect(json.status, `${group}.${key}`).toBe(400);
        expect(await json.json()).toMatchObject({ error: { code: "invalid_request", details: [{ path: `${group}.${key}`, message: `"${key}" cannot be a name here` }] } });
      }
      const form = await deflect(t.key, { phone: mobile(), optIn: "1", [`conversationFields.${key}`]: "x" }, { form: true });
      expect(form.status, `form ${key}`).toBe(400);
      expect(await form.json()).toMatchObject({ error: { details: [{ path: `conversationFields.${key}` }] } });
    }
  });

  it("the tenant's deflection prompts refuse them too", async () => {
    const prompts = await admin("PUT", `/tenants/${uniqueTenantId()}`, {
      deflection: { key: `dfl_${"0".repeat(32)}`, provider: { type: "webhook", url: "https://example.com/x", secret: "s".repeat(16) }, defaultCountry: "FR", allowedCountries: ["FR"], channels: [{ platform: "SMS" }], prompts: JSON.parse(`{"fr": {"__proto__": "Bonjour"}}`) },
    });
    expect(prompts.status).toBe(400);
    expect(await prompts.json()).toMatchObject({ error: { code: "invalid_request", details: expect.arrayContaining([{ path: "deflection.prompts.fr.__proto__", message: '"__proto__" cannot be a name here' }]) } });
  });
});
