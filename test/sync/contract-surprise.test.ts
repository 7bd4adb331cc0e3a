// A sync run when the live iAdvize schema differs from what the connector expects: the
// conversations wait (never failed, no attempt spent) and sync once the schema is right;
// a message whose author cannot be told is kept out of the answers, and the conversation
// is synced, flagged, and counted in the tenant's admin view.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { syncTenant } from "../../src/sync/crm-sync.ts";
import { Sim, testConfig } from "../helpers/sim.ts";
import { admin } from "../helpers/admin.ts";
import { setSchemaVariant } from "../helpers/iadvize.ts";
import { records } from "../helpers/salesforce.ts";
import { newSyncTenant, pendingConversation, syncState } from "../helpers/tenant.ts";
import type { SyncTenant } from "../helpers/tenant.ts";

const sim = new Sim();
const run = (t: SyncTenant) => syncTenant(env.DB, testConfig(), t.tenantId, sim.deps);

describe("sync: a contract surprise from iAdvize", () => {
  it("a field the live schema lacks: the conversations wait, with the path, however many runs, and sync once it is back", async () => {
    const t = await newSyncTenant();
    const a = await pendingConversation(t, {}, sim.now);
    const b = await pendingConversation(t, {}, sim.now);
    await setSchemaVariant(t.iadvizeUser.username, { removeFields: ["Visitor.email"] });

    // The tenant is held: more runs than a conversation's attempts used to allow change nothing.
    for (let i = 0; i < 9; i++) expect(await run(t)).toMatchObject({ kind: "held", hold: { reason: "iadvize_schema_mismatch", paths: ["Visitor.email"] } });
    for (const c of [a, b]) {
      const state = await syncState(t, c.id);
      expect(state).toMatchObject({ sync_status: "pending", sync_attempts: 0 });
      expect(JSON.parse(state?.sync_error ?? "null")).toEqual({ code: "iadvize_schema_mismatch", paths: ["Visitor.email"] });
    }
    expect(await records(t.org, "iAdvize_Conversation__c")).toHaveLength(0);

    await setSchemaVariant(t.iadvizeUser.username, null);
    // The hourly re-check syncs one conversation and ends the hold; the next run the rest.
    sim.t += 3_600_000;
    expect(await run(t)).toMatchObject({ kind: "done", synced: 1, failed: 0, retrying: 0, more: true });
    expect(await run(t)).toMatchObject({ kind: "done", synced: 1, failed: 0, retrying: 0 });
    expect((await syncState(t, a.id))?.sync_status).toBe("synced");
    expect((await syncState(t, b.id))?.sync_status).toBe("synced");
  });

  it("a message of a type the connector does not know: synced without it, flagged, counted for the administrator", async () => {
    const t = await newSyncTenant();
    const plain = await pendingConversation(t, {}, sim.now);
    const seeded = await pendingConversation(t, {}, sim.now);
    const card = { role: "visitor" as const, type: "RichLinkMessage", text: "https://example.com/zoe", createdAt: "2026-11-20T09:20:00.000Z" };
    const flagged = await pendingConversation(t, { messages: [...seeded.messages, card, card] }, sim.now);
    await setSchemaVariant(t.iadvizeUser.username, { addMessageTypes: ["RichLinkMessage"] });

    expect(await run(t)).toMatchObject({ kind: "done", synced: 3, failed: 0 });
    const row = await env.DB.prepare("SELECT needs_attention FROM conversations WHERE tenant_id = ?1 AND conversation_id = ?2")
      .bind(t.tenantId, flagged.id)
      .first<{ needs_attention: string | null }>();
    expect(JSON.parse(row?.needs_attention ?? "null")).toEqual({ code: "unknown_message_shape", count: 2, types: ["RichLinkMessage"] });
    const transcript = (await records(t.org, "iAdvize_Conversation__c")).find((r) => r.Conversation_Id__c === flagged.id)?.Transcript__c;
    expect(String(transcript)).not.toContain("example.com/zoe");
    expect(String(transcript)).not.toContain("System: https");

    const view = await (await admin("GET", `/tenants/${t.tenantId}`)).json<{ needsAttention: Record<string, number>; conversations: Record<string, number> }>();
    expect(view.needsAttention).toEqual({ unknown_message_shape: 1 });
    expect(view.conversations.synced).toBe(3);
    expect((await syncState(t, plain.id))?.sync_status).toBe("synced");
  });
});
