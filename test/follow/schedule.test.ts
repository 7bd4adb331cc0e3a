// The follow-up's schedule and which answers of an open conversation are settled: pure functions.
import { describe, expect, it } from "vitest";
import { IDLE_STOP_MS, nextPoll, readsWhileIdle } from "../../src/follow/schedule.ts";
import { settledAnswers } from "../../src/follow/settled.ts";
import type { ChatMessage } from "../../src/qualification/messages.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe("nextPoll", () => {
  it("reads soon after activity, then less and less often, and stops after 7 idle days", () => {
    const gaps = [0, 3 * MINUTE, 10 * MINUTE, 30 * MINUTE, 3 * HOUR, 12 * HOUR, 48 * HOUR].map((idle) => {
      const next = nextPoll(0, idle);
      return next.kind === "poll" ? next.at - idle : Number.NaN;
    });
    expect(gaps).toEqual([30_000, MINUTE, 2 * MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 3 * HOUR]);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThan(gaps[i - 1] ?? 0);
    expect(nextPoll(0, IDLE_STOP_MS)).toEqual({ kind: "stop" });
    expect(nextPoll(0, IDLE_STOP_MS - MINUTE)).toEqual({ kind: "poll", at: IDLE_STOP_MS });
  });

  it("counts the reads of a conversation that stays idle", () => {
    expect(readsWhileIdle(HOUR)).toBe(21);
    expect(readsWhileIdle(IDLE_STOP_MS)).toBeLessThanOrEqual(110);
  });
});

const m = (role: ChatMessage["role"], text: string, s: number): ChatMessage => ({ role, text, createdAt: new Date(Date.UTC(2026, 10, 20, 9, 0, s)).toISOString() });

describe("settledAnswers", () => {
  it("leaves out the answer to the last question asked, which the visitor may still be typing", () => {
    const messages = [m("bot", "[](Q1) Vehicle?", 1), m("visitor", "The new Zoe", 2), m("operator", "[](Q2) Engine?", 3), m("visitor", "elec", 4)];
    expect(Object.keys(settledAnswers(messages).answers)).toEqual(["Q1"]);
    expect(Object.keys(settledAnswers([...messages, m("operator", "[](Q3) When?", 5)]).answers)).toEqual(["Q1", "Q2"]);
  });

  it("keeps every answer when the last question asked has none yet", () => {
    const messages = [m("bot", "[](Q1) Vehicle?", 1), m("visitor", "Zoe", 2), m("operator", "[](Q2) Engine?", 3)];
    expect(Object.keys(settledAnswers(messages).answers)).toEqual(["Q1"]);
  });

  it("does not settle a question asked again last", () => {
    const messages = [m("bot", "[](Q1) Vehicle?", 1), m("visitor", "Zoe", 2), m("operator", "[](Q2) Engine?", 3), m("visitor", "electric", 4), m("operator", "[](Q1) Which one again?", 5)];
    expect(Object.keys(settledAnswers(messages).answers)).toEqual(["Q2"]);
  });
});
