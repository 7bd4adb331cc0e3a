// The webhook intake's answers, in the order the route checks them.
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { signatureFor } from "../../src/webhooks/signature.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";
import { OLD_WEBHOOK_SECRET, WEBHOOK_SECRET } from "../helpers/secrets.ts";
import { waitFor } from "../helpers/wait.ts";
import { BASE, fresh, sendEvent, sendRaw } from "../helpers/webhook.ts";
import { exports } from "cloudflare:workers";

async function storedStatus(eventId: string): Promise<string | null> {
  return env.DB.prepare("SELECT status FROM events WHERE event_id = ?").bind(eventId).first<string>("status");
}

const storedPayload = (eventId: string) =>
  waitFor(() => env.DB.prepare("SELECT payload FROM events WHERE event_id = ?").bind(eventId).first<string>("payload"), {
    what: "the event in D1",
  });

describe("POST /webhooks/iadvize: happy paths", () => {
  it("accepts a signed v2.conversation.closed, queues it, and the consumer keeps it in D1", async () => {
    const send = vi.spyOn(env.CONVERSATION_QUEUE, "send");
    const event = fresh(fixtures.conversationClosed);
    const res = await sendEvent(event, { correlationId: "c0ffee00-0000-4000-8000-000000000001" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "accepted", eventId: event.eventId });
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0]?.[0]).toMatchObject({ kind: "event", tenantId: "ha-3291", event: { eventId: event.eventId } });
    send.mockRestore();
    expect(JSON.parse(await storedPayload(event.eventId))).toEqual(event);
  });

  it.each(["conversationPushed", "satisfactionAnswered", "transactionAttributed"] as const)("accepts %s", async (name) => {
    const event = fresh(fixtures[name]);
    const res = await sendEvent(event);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "accepted" });
  });

  it("accepts the form encoding, with the list of operators", async () => {
    const e = fresh(fixtures.conversationClosed);
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(e)) {
      if (Array.isArray(v)) for (const item of v) form.append(`${k}[]`, String(item));
      else form.append(k, String(v));
    }
    const res = await sendRaw(form.toString(), { contentType: "application/x-www-form-urlencoded" });
    expect(res.status).toBe(200);
    expect(JSON.parse(await storedPayload(e.eventId))).toEqual(e);
  });

  it("accepts a charset parameter on the content type", async () => {
    const res = await sendEvent(fresh(fixtures.conversationPushed), { contentType: "application/json; charset=utf-8" });
    expect(res.status).toBe(200);
  });

  it("acknowledges a signed event of an unknown type and ignores it", async () => {
    const event = fresh(fixtures.visitorUpdated);
    const res = await sendEvent(event);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ignored" });
    expect(await storedStatus(event.eventId)).toBeNull();
  });

  it("accepts an unknown channel as a valid channel", async () => {
    const res = await sendEvent(fresh(fixtures.conversationPushed, { channel: "WHATSAPP" }));
    expect(res.status).toBe(200);
  });
});

describe("POST /webhooks/iadvize: errors", () => {
  it("415 for another content type", async () => {
    const res = await sendRaw(JSON.stringify(fixtures.conversationClosed), { contentType: "text/plain" });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ error: { code: "unsupported_media_type" } });
  });

  it("413 above 256 KiB, checked before the signature", async () => {
    const body = JSON.stringify({ ...fixtures.conversationClosed, padding: "x".repeat(300 * 1024) });
    const res = await sendRaw(body, { signature: "sha256=00" });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "payload_too_large" } });
  });

  it("413 on a streamed body with no content-length", async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 5) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await exports.default.fetch(`${BASE}/webhooks/iadvize`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-iadvize-signature": "sha256=00" },
      body: stream,
    });
    expect(res.status).toBe(413);
  });

  it("401 without a signature", async () => {
    const res = await sendEvent(fresh(fixtures.conversationClosed), { signature: null });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_signature" } });
  });

  it("401 for a signature made with another secret", async () => {
    const res = await sendEvent(fresh(fixtures.conversationClosed), { secret: "not-our-secret" });
    expect(res.status).toBe(401);
  });

  it("401 for a signature of another body", async () => {
    const event = fresh(fixtures.conversationClosed);
    const signature = await signatureFor(WEBHOOK_SECRET, JSON.stringify({ ...event, projectId: 1 }));
    const res = await sendEvent(event, { signature });
    expect(res.status).toBe(401);
  });

  it.each(["", "sha256=", "sha1=abc", "sha256=zz", "sha256=" + "0".repeat(64)])("401 for the signature %j", async (signature) => {
    const res = await sendEvent(fresh(fixtures.conversationClosed), { signature });
    expect(res.status).toBe(401);
  });

  it("accepts the right digest written in upper-case hex", async () => {
    const event = fresh(fixtures.conversationClosed);
    const body = JSON.stringify(event);
    const signature = await signatureFor(WEBHOOK_SECRET, body);
    const res = await sendRaw(body, { signature: "sha256=" + signature.slice(7).toUpperCase() });
    expect(res.status).toBe(200);
  });

  it("400 for a signed body that is not JSON", async () => {
    const res = await sendRaw("{not json");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_payload" } });
  });

  it("400 for a signed event without eventType", async () => {
    const { eventType: _, ...rest } = fresh(fixtures.conversationClosed);
    const res = await sendEvent(rest);
    expect(res.status).toBe(400);
  });

  it("400 for a known event with a malformed field, naming the field", async () => {
    const res = await sendEvent(fresh(fixtures.conversationClosed, { operatorIds: "many" as unknown as number[] }));
    expect(res.status).toBe(400);
    const body = await res.json<{ error: { code: string; details: { path: string }[] } }>();
    expect(body.error.code).toBe("invalid_payload");
    expect(body.error.details.map((d) => d.path)).toContain("operatorIds");
  });

  it("400 for an unknown platform", async () => {
    const res = await sendEvent(fresh(fixtures.conversationPushed, { platform: "xx" as "ha" }));
    expect(res.status).toBe(400);
  });

  it("405 with an Allow header for GET", async () => {
    const res = await exports.default.fetch(`${BASE}/webhooks/iadvize`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });
});

describe("durable hand-off", () => {
  it("keeps the event in D1 when the queue refuses it, and still acknowledges", async () => {
    const send = vi.spyOn(env.CONVERSATION_QUEUE, "send").mockRejectedValue(new Error("queue unavailable"));
    const event = fresh(fixtures.conversationClosed);
    const res = await sendEvent(event);
    send.mockRestore();
    expect(res.status).toBe(200);
    expect(await storedStatus(event.eventId)).toBe("received");
  });

  it("answers 503, so iAdvize retries, when neither the queue nor D1 can keep it", async () => {
    const send = vi.spyOn(env.CONVERSATION_QUEUE, "send").mockRejectedValue(new Error("queue unavailable"));
    const prepare = vi.spyOn(env.DB, "prepare").mockImplementation(() => {
      throw new Error("D1 unavailable");
    });
    const res = await sendEvent(fresh(fixtures.conversationClosed));
    send.mockRestore();
    prepare.mockRestore();
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: "unavailable" } });
  });
});

describe("secret rotation", () => {
  it("accepts events signed with the previous secret while it is listed", async () => {
    const res = await sendEvent(fresh(fixtures.conversationClosed), { secret: OLD_WEBHOOK_SECRET });
    expect(res.status).toBe(200);
  });
});
