// The CRM transcript: roles, times, no markers, bounded with a visible note.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { markersIn } from "../../src/qualification/markers.ts";
import { buildTranscript } from "../../src/qualification/transcript.ts";
import { conversations } from "../fixtures/conversations/index.ts";

describe("buildTranscript", () => {
  it("writes each message with its time and role, as the visitor saw it", () => {
    const t = buildTranscript(conversations.carDealer);
    const lines = t.text.split("\n");
    expect(lines[0]).toBe("[2026-11-20 09:12:05 UTC] Bot: Hi, welcome to Acme Motors! Could you give me your email address, so that an advisor can follow up?");
    expect(lines[2]).toBe("[2026-11-20 09:12:40 UTC] System: The conversation was transferred to Paul.");
    expect(lines[7]).toBe("[2026-11-20 09:13:45 UTC] Operator: Which engine would you prefer: electric or hybrid?");
    expect(t).toMatchObject({ truncated: false, messagesShown: 11, messagesTotal: 11 });
    expect(markersIn(t.text)).toEqual([]);
  });

  it("cuts at a message boundary and says so", () => {
    const t = buildTranscript(conversations.carDealer, 400);
    expect(t.text.length).toBeLessThanOrEqual(400);
    expect(t.truncated).toBe(true);
    expect(t.text).toMatch(/\[… transcript truncated: \d+ of 11 messages shown\]$/);
    expect(t.messagesShown).toBeGreaterThan(0);
  });

  it("cuts a single message longer than the whole budget rather than dropping it", () => {
    const t = buildTranscript([{ role: "visitor", text: "x".repeat(1000), createdAt: "2026-01-01T00:00:00Z" }], 200);
    expect(t.text.length).toBeLessThanOrEqual(200);
    expect(t.messagesShown).toBe(1);
    expect(t.text).toContain("…\n[… transcript truncated: 1 of 1 messages shown]");
  });

  it("never exceeds its bound and never shows a marker", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ role: fc.constantFrom("operator", "bot", "visitor", "system" as const), text: fc.string({ maxLength: 80 }).map((s) => `${s} [](Q1) ${s}`), createdAt: fc.constant("2026-01-01T00:00:00Z") }), { maxLength: 40 }),
        fc.integer({ min: 0, max: 3000 }),
        (messages, max) => {
          const t = buildTranscript(messages, max);
          expect(t.text.length).toBeLessThanOrEqual(Math.max(max, 0));
          expect(markersIn(t.text)).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
