// A tenant with iAdvize proven but no Salesforce yet (what the console's sign-in creates):
// its conversations are read and wait, pending, for Salesforce; none is lost or failed.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index.ts";
import { insertEvent } from "../../src/events/store.ts";
import { KnownEvent } from "../../src/events/schema.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { admin, tenantBody } from "../helpers/admin.ts";
import { fresh } from "../helpers/webhook.ts";
import { uniqueProjectId } from "../helpers/ids.ts";

async function run(queue: string, body: unknown) {
  const batch = createMessageBatch(queue, [{ id: "m0", timestamp: new Date(), attempts: 1, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

const conversations = async (tenantId: string) => ((await (await admin("GET", `/tenants/${tenantId}`)).json()) as { conversations: Record<string, number> }).conversations;

describe("a tenant being set up (iAdvize only)", () => {
  it("processes its events and keeps its conversations pending until Salesforce is set", async () => {
    const projectId = uniqueProjectId();
    const tenantId = `ha-${projectId}`;
    expect((await admin("PUT", `/tenants/${tenantId}`, { iadvize: tenantBody().iadvize })).status).toBe(201);

    const event = KnownEvent.parse(fresh(fixtures.conversationClosed, { conversationId: crypto.randomUUID(), projectId }));
    await insertEvent(env.DB, { event, tenantId, correlationId: undefined, deliveryId: undefined, receivedAt: new Date() });
    expect((await run("conversation-work", { kind: "stored", eventId: event.eventId, tenantId })).explicitAcks).toEqual(["m0"]);
    expect(await conversations(tenantId)).toMatchObject({ pending: 1, failed: 0 });

    // A sync message meanwhile finds no Salesforce: the conversation still waits.
    await run("crm-sync", { tenantId });
    expect(await conversations(tenantId)).toMatchObject({ pending: 1, failed: 0, synced: 0 });

    // Salesforce set later through the same save path: accepted, no warning about it left.
    const res = await admin("PUT", `/tenants/${tenantId}`, tenantBody());
    expect(res.status).toBe(200);
    const saved = (await res.json()) as { warnings: { id: string }[] };
    expect(saved.warnings.map((w) => w.id)).not.toContain("config.salesforce");
  });
});
