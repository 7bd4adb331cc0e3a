// From a conversation id to what the CRM needs, through the emulated iAdvize API.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { checkConfig } from "../../src/env.ts";
import { iadvizeClientFor } from "../../src/iadvize/for-tenant.ts";
import { readConversation } from "../../src/sync/read-conversation.ts";
import { TenantConfig } from "../../src/tenants/schema.ts";
import { newUser, seedConversation, setSchemaVariant } from "../helpers/iadvize.ts";

async function setup() {
  const user = await newUser();
  const checked = checkConfig({ ...env });
  if (!checked.ok) throw new Error(checked.problems.join());
  const tenant = TenantConfig.parse({ iadvize: user, mapping: { Q1: { object: "Lead", field: "Vehicle__c" }, Q4: { object: "Lead", field: "Email" } } });
  return { client: iadvizeClientFor(env.DB, checked.config, `ha-${Math.floor(Math.random() * 1e9)}`, tenant), tenant, user };
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
    expect(result?.needsAttention).toBeNull();
  });

  it("flags a conversation holding a message whose author it cannot tell, and keeps it out of the answers", async () => {
    const { client, tenant, user } = await setup();
    const car = await seedConversation();
    // An answer to Q3 in a message type the connector does not know: not read as anyone's.
    const unknown = { role: "visitor" as const, type: "VoiceNoteMessage", text: "next Tuesday", createdAt: "2026-11-20T09:30:00.000Z" };
    const seeded = await seedConversation({ messages: [...car.messages, unknown] });
    await setSchemaVariant(user.username, { addMessageTypes: ["VoiceNoteMessage"] });
    const result = await readConversation(client, seeded.id, tenant.mapping);
    expect(result?.needsAttention).toEqual({ code: "unknown_message_shape", count: 1, types: ["VoiceNoteMessage"] });
    expect(result?.extraction.unanswered).toEqual(["Q3"]);
    expect(result?.transcript.text).not.toContain("next Tuesday");
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
