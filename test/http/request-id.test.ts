// Every answer carries a request id; every error answer and every log line of the request name it.
import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { admin } from "../helpers/admin.ts";
import { waitFor } from "../helpers/wait.ts";
import { BASE, fresh, sendEvent } from "../helpers/webhook.ts";

afterEach(() => vi.restoreAllMocks());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function logLines(spy: { mock: { calls: unknown[][] } }): Record<string, unknown>[] {
  return spy.mock.calls.map((call) => JSON.parse(String(call[0])) as Record<string, unknown>);
}

describe("request id", () => {
  it.each([
    ["a bad signature (401)", () => sendEvent(fresh(fixtures.conversationClosed), { signature: "sha256=00" })],
    ["a wrong content type (415)", () => sendEvent(fresh(fixtures.conversationClosed), { contentType: "text/plain" })],
    ["an unknown route (404)", () => exports.default.fetch(`${BASE}/nowhere`)],
    ["a missing admin token (401)", () => admin("GET", "/tenants", undefined, null)],
    ["an invalid tenant (400)", () => admin("PUT", "/tenants/ha-1", { nope: 1 })],
  ])("is in the error answer of %s and in its header", async (_, send) => {
    const res = await send();
    expect(res.status).toBeGreaterThanOrEqual(400);
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(UUID);
    const body = (await res.json()) as { error: { requestId?: string } };
    expect(body.error.requestId).toBe(id);
  });

  it("differs between requests and is never taken from the caller", async () => {
    const a = await exports.default.fetch(`${BASE}/nowhere`, { headers: { "x-request-id": "forged-id-0001" } });
    const b = await exports.default.fetch(`${BASE}/nowhere`);
    expect(a.headers.get("x-request-id")).not.toBe("forged-id-0001");
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
  });

  it("is on every log line of the request", async () => {
    const info = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    // An event of a type the connector does not handle: answered 200 and logged as ignored.
    const res = await sendEvent(fresh(fixtures.conversationClosed, { eventType: "v2.unknown.request-id-test" }));
    expect(res.status).toBe(200);
    const id = res.headers.get("x-request-id");
    const lines = [...logLines(info), ...logLines(warn)].filter((l) => l.eventType === "v2.unknown.request-id-test");
    expect(lines.map((l) => l.event)).toContain("webhook.ignored");
    for (const line of lines) expect(line.requestId).toBe(id);
  });

  it("leads from an accepted request to its event through the consumer's events.received line", async () => {
    const info = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const event = fresh(fixtures.conversationClosed);
    const res = await sendEvent(event);
    expect(res.status).toBe(200);
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(UUID);
    // The intake logs nothing per accepted event; the conversation-queue consumer logs each batch.
    expect(logLines(info).filter((l) => l.requestId === id)).toEqual([]);
    const line = await waitFor(
      async () => logLines(info).find((l) => l.event === "events.received" && JSON.stringify(l.events).includes(event.eventId)),
      { what: "the consumer's events.received line" },
    );
    expect(line.events).toContainEqual({ eventId: event.eventId, requestId: id });
    expect(line.count).toBe((line.events as unknown[]).length);
  });
});
