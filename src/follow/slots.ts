// A following tenant's slots: its followed conversations are read together at the points
// of one 30 s grid, offset by a hash of the tenant id (tenants spread over the half-minute),
// and their closes join the next point of its 10 s grid (every read slot is one of those).
// A read's next one is counted from the slot it served, never from when its run happened:
// a late run does not push the schedule off the grid. Pure.
import { FIRST_POLL_MS } from "./schedule.ts";

/** The read grid: the schedule's shortest step, of which every step is a multiple. */
export const READ_SLOT_MS = FIRST_POLL_MS;
/** The close grid: a followed conversation's close waits at most this long for its slot. */
export const CLOSE_SLOT_MS = 10_000;

/** The tenant's offset on the grids, in whole seconds (so a queue delay in seconds lands on it). */
export function slotOffsetMs(tenantId: string): number {
  // FNV-1a, 32 bits: stable across deployments and runtimes.
  let h = 0x811c9dc5;
  for (let i = 0; i < tenantId.length; i++) h = Math.imul(h ^ tenantId.charCodeAt(i), 0x01000193) >>> 0;
  return (h % (READ_SLOT_MS / 1000)) * 1000;
}

/** The tenant's first slot at or after `t` on the grid of `period` (ms since the epoch). */
export function slotAtOrAfter(tenantId: string, t: number, period = READ_SLOT_MS): number {
  const offset = slotOffsetMs(tenantId);
  return Math.ceil((t - offset) / period) * period + offset;
}

/** The tenant's last slot at or before `t`: the slot a run at `t` serves. */
export function slotAtOrBefore(tenantId: string, t: number, period = READ_SLOT_MS): number {
  const offset = slotOffsetMs(tenantId);
  return Math.floor((t - offset) / period) * period + offset;
}
