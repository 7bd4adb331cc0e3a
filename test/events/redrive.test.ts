// The scheduled re-drive: events kept in D1 whose queue message was lost are queued again.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { STALE_AFTER_MS } from "../../src/events/redrive.ts";
import { insertEvent } from "../../src/events/store.ts";
import { KnownEvent } from "../../src/events/schema.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { fresh } from "../helpers/webhook.ts";

describe("scheduled re-drive", () => {
  it("queues again an event left in 'received' past the threshold, and only that one", async () => {
    const now = Date.now();
    const old = KnownEvent.parse(fresh(fixtures.conversationClosed));
    const recent = KnownEvent.parse(fresh(fixtures.conversationClosed));
    const common = { tenantId: "ha-3291", correlationId: undefined, deliveryId: undefined };
    await insertEvent(env.DB, { ...common, event: old, receivedAt: new Date(now - STALE_AFTER_MS - 60_000) });
    await insertEvent(env.DB, { ...common, event: recent, receivedAt: new Date(now - 1000) });

    const sendBatch = vi.spyOn(env.CONVERSATION_QUEUE, "sendBatch");
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "*/5 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);

    const sent = sendBatch.mock.calls.flatMap(([messages]) => [...messages].map((m) => (m.body as { eventId: string }).eventId));
    expect(sent).toContain(old.eventId);
    expect(sent).not.toContain(recent.eventId);
    sendBatch.mockRestore();

    // Re-driven now, so the next run leaves it alone.
    const row = await env.DB.prepare("SELECT updated_at FROM events WHERE event_id = ?").bind(old.eventId).first<string>("updated_at");
    expect(row).toBe(new Date(now).toISOString());
  });
});
