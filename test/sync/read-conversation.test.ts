// From a conversation id to what the CRM needs, through the emulated iAdvize API.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { checkConfig } from "../../src/env.ts";
import { iadvizeClientFor } from "../../src/iadvize/for-tenant.ts";
import { readConversation } from "../../src/sync/read-conversation.ts";
import { TenantConfig } from "../../src/tenants/schema.ts";
import { newUser, seedConversation } from "../helpers/iadvize.ts";

async function setup() {
  const user = await newUser();
  const checked = checkConfig({ ...env });
  if (!checked.ok) throw new Error(checked.problems.join());
  const tenant = TenantConfig.parse({ iadvize: user, mapping: { Q1: { object: "Lead", field: "Vehicle__c" }, Q4: { object: "Lead", field: "Email" } } });
  return { client: iadvizeClientFor(env.DB, checked.config, `ha-${Math.floor(Math.random() * 1e9)}`, tenant), tenant };
}

describe("readConversation", () => {
  it("turns the car dealer conversation into answers, transcript and contact", async () => {
    const { client, tenant } = await setup();
    const seeded = await seedConversation();
    const result = await readConversation(client, seeded.id, tenant.mapping);
    expect(result?.extraction.answers.Q1?.answer).toBe("The new Zoe\nin blue if possible");
    expect(result?.extraction.unanswered).toEqual(["Q3"]);
    expect(result?.contact).toEqual({ email: { value: "jane.doe@example.com", source: "answer" } });
    expect(result?.transcript.text).toContain("Visitor: in blue if possible");
    expect(result?.transcript.text).not.toContain("[](Q");
  });

  it("answers null for an unknown conversation", async () => {
    const { client, tenant } = await setup();
    expect(await readConversation(client, crypto.randomUUID(), tenant.mapping)).toBeNull();
  });

  it("needs the tenant's iAdvize user", () => {
    const checked = checkConfig({ ...env });
    if (!checked.ok) throw new Error("config");
    expect(() => iadvizeClientFor(env.DB, checked.config, "ha-1", TenantConfig.parse({}))).toThrow(/no iAdvize API user/);
  });
});
