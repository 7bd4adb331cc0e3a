// A following tenant's read and close slots: pure functions.
import { describe, expect, it } from "vitest";
import { POLL_CAP_MS, POLL_STEPS } from "../../src/follow/schedule.ts";
import { CLOSE_SLOT_MS, READ_SLOT_MS, slotAtOrAfter, slotAtOrBefore, slotOffsetMs } from "../../src/follow/slots.ts";

describe("a tenant's slots", () => {
  it("are offset by whole seconds within the read grid, stable for a tenant, spread over tenants", () => {
    const ids = Array.from({ length: 200 }, (_, i) => `ha-${1000 + i}`);
    const offsets = ids.map(slotOffsetMs);
    for (const o of offsets) {
      expect(o % 1000).toBe(0);
      expect(o).toBeGreaterThanOrEqual(0);
      expect(o).toBeLessThan(READ_SLOT_MS);
    }
    expect(ids.map(slotOffsetMs)).toEqual(offsets);
    expect(new Set(offsets).size).toBeGreaterThanOrEqual(25);
  });

  it("round a time up or down onto the tenant's grid, and every read slot is a close slot", () => {
    const tenant = "ha-3291";
    const t0 = Date.UTC(2026, 10, 21, 9, 0, 0, 250);
    for (let t = t0; t < t0 + 2 * READ_SLOT_MS; t += 700) {
      const up = slotAtOrAfter(tenant, t);
      const down = slotAtOrBefore(tenant, t);
      expect(up).toBeGreaterThanOrEqual(t);
      expect(up - t).toBeLessThan(READ_SLOT_MS);
      expect(down).toBeLessThanOrEqual(t);
      expect(t - down).toBeLessThan(READ_SLOT_MS);
      expect(slotAtOrAfter(tenant, up)).toBe(up);
      expect(slotAtOrBefore(tenant, down)).toBe(down);
      expect(slotAtOrAfter(tenant, up, CLOSE_SLOT_MS)).toBe(up);
      const close = slotAtOrAfter(tenant, t, CLOSE_SLOT_MS);
      expect(close).toBeGreaterThanOrEqual(t);
      expect(close - t).toBeLessThan(CLOSE_SLOT_MS);
      expect(close).toBeLessThanOrEqual(up);
    }
  });

  it("hold every step of the schedule: a read slot plus any interval is a read slot", () => {
    for (const every of [...POLL_STEPS.map((s) => s.every), POLL_CAP_MS]) expect(every % READ_SLOT_MS).toBe(0);
    expect(READ_SLOT_MS % CLOSE_SLOT_MS).toBe(0);
  });
});
