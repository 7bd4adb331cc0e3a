// The one backoff formula: doubling from the base, capped, with an optional random half.
import { describe, expect, it } from "vitest";
import { backoffMs } from "../../src/lib/backoff.ts";
import { retryDelaySeconds } from "../../src/queues.ts";

describe("backoffMs", () => {
  it("doubles from the base up to the cap", () => {
    expect([1, 2, 3, 4, 5, 6].map((s) => backoffMs(s, { baseMs: 100, capMs: 1000 }))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffMs(0, { baseMs: 100, capMs: 1000 })).toBe(100);
  });

  it("with jitter, waits between half and all of it", () => {
    expect(backoffMs(3, { baseMs: 100, capMs: 1000 }, () => 0)).toBe(200);
    expect(backoffMs(3, { baseMs: 100, capMs: 1000 }, () => 1)).toBe(400);
  });

  it("gives the queue retries 2, 4, 8 … seconds, capped at 15 minutes", () => {
    expect([0, 1, 2, 3, 4, 20].map(retryDelaySeconds)).toEqual([2, 2, 4, 8, 16, 900]);
  });
});
