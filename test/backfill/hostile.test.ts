// The backfill admin routes against a hostile or careless client: two starts at once.
import { describe, expect, it } from "vitest";
import { BACKFILL_MAPPING, BackfillSim } from "../helpers/backfill.ts";
import { newSyncTenant } from "../helpers/tenant.ts";

describe("backfill: hostile requests", { timeout: 120_000 }, () => {
  it("starts one backfill of two asked for at once; the other is a 409", async () => {
    const t = await newSyncTenant({ mapping: BACKFILL_MAPPING });
    const sim = new BackfillSim();
    const both = await Promise.all([0, 1].map(() => sim.admin("POST", `/tenants/${t.tenantId}/backfill`, { from: "2026-01-01", to: "2026-02-01" })));
    expect(both.map((r) => r.status).sort()).toEqual([202, 409]);
  });
});
