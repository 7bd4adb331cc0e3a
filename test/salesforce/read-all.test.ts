// Reads of any size: the composite limits (25 subrequests, 5 queries) met by as few
// composites as needed, and every query followed through its nextRecordsUrl pages.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Subrequest } from "../../src/salesforce/api.ts";
import { isQueryOrCollection } from "../../src/salesforce/api.ts";
import { checkConfig } from "../../src/env.ts";
import type { Config } from "../../src/env.ts";
import { packComposites, readAll } from "../../src/salesforce/read-all.ts";
import { syncTenant } from "../../src/sync/crm-sync.ts";
import { CAR_DEALER } from "../emulators/iadvize/seed.ts";
import { apiUsed, newOrg, records, seedRecord, testApi } from "../helpers/salesforce.ts";
import { newSyncTenant, pendingConversation, syncState } from "../helpers/tenant.ts";

function config(): Config {
  const checked = checkConfig({ ...env });
  if (!checked.ok) throw new Error(checked.problems.join());
  return checked.config;
}

const query = (soql: string, referenceId: string): Subrequest => ({ method: "GET", url: `/services/data/v62.0/query?q=${encodeURIComponent(soql)}`, referenceId });
const describeOf = (object: string): Subrequest => ({ method: "GET", url: `/services/data/v62.0/sobjects/${object}/describe`, referenceId: `d${object}` });

describe("packComposites", () => {
  it("packs 7 queries and 2 describes into 2 composites of at most 5 queries", () => {
    const subs = [describeOf("Lead"), describeOf("Contact"), ...Array.from({ length: 7 }, (_, i) => query("SELECT Id FROM Lead", `q${i}`))];
    const packs = packComposites(subs);
    expect(packs).toHaveLength(2);
    for (const pack of packs) expect(pack.filter(isQueryOrCollection).length).toBeLessThanOrEqual(5);
    expect(packs.flat()).toHaveLength(9);
  });

  it("holds at most 25 subrequests in a composite", () => {
    const packs = packComposites(Array.from({ length: 30 }, (_, i) => ({ ...describeOf("Lead"), referenceId: `d${i}` })));
    expect(packs.map((p) => p.length)).toEqual([25, 5]);
  });
});

describe("readAll", () => {
  it("follows nextRecordsUrl until each query holds all its records, pages of several queries sharing a call", async () => {
    const org = await newOrg({ queryBatchSize: 3 });
    for (let i = 0; i < 7; i++) await seedRecord(org, "Lead", { LastName: `L${i}`, Company: "X" });
    for (let i = 0; i < 4; i++) await seedRecord(org, "Contact", { LastName: `C${i}` });
    const api = testApi(org);
    const [leads, contacts] = await readAll(api, [query("SELECT Id FROM Lead", "leads"), query("SELECT Id FROM Contact", "contacts")]);
    expect(leads?.body).toMatchObject({ done: true, totalSize: 7 });
    expect((leads?.body as { records: unknown[] }).records).toHaveLength(7);
    expect((contacts?.body as { records: unknown[] }).records).toHaveLength(4);
    // The first read, then two rounds of next pages (Leads 4-6 with Contacts 4, then Leads 7).
    expect(api.calls).toBe(3);
  });
});

describe("sync: large batches", () => {
  it("200 conversations with 64-character visitor ids sync in full, in 2 API calls: one read (its Lead lists split), one write", async () => {
    const t = await newSyncTenant();
    const seeded = [];
    for (let tens = 0; tens < 20; tens++) {
      const ten = Array.from({ length: 10 }, (_, j) =>
        pendingConversation(t, {
          visitor: { ...CAR_DEALER.visitor, id: `${crypto.randomUUID()}${crypto.randomUUID()}`.replaceAll("-", "") },
          messages: [
            { role: "bot", text: "[](Q4) Your email?", createdAt: "2026-11-20T09:00:00Z" },
            { role: "visitor", text: `visitor${tens * 10 + j}@example.com`, createdAt: "2026-11-20T09:00:05Z" },
          ],
        }),
      );
      seeded.push(...(await Promise.all(ten)));
    }
    expect(seeded.every((c) => c.visitor.id.length === 64)).toBe(true);
    expect(await syncTenant(env.DB, config(), t.tenantId)).toMatchObject({ kind: "done", synced: 200, failed: 0 });
    // One composite to read (5 queries: Contacts, and 2 rounds of Leads with their mapped values), one to write.
    expect(await apiUsed(t.org)).toBe(2);
    expect(await records(t.org, "Lead")).toHaveLength(200);
    expect(await records(t.org, "iAdvize_Conversation__c")).toHaveLength(200);
    for (const c of seeded) expect((await syncState(t, c.id))?.sync_status).toBe("synced");
    // Reading 200 conversations from the iAdvize emulator takes longer than the default 20 s bound on a busy machine.
  }, 120_000);

  it("Leads found on a query's later pages are updated, not created again", async () => {
    const t = await newSyncTenant({ org: { queryBatchSize: 2 } });
    const seeded = [];
    for (let i = 0; i < 5; i++) {
      await seedRecord(t.org, "Lead", { LastName: `Known ${i}`, Company: "Acme", Email: `known${i}@example.com`, OwnerId: "005SALESREP" });
      seeded.push(
        await pendingConversation(t, {
          messages: [
            { role: "bot", text: "[](Q4) Your email?", createdAt: "2026-11-20T09:00:00Z" },
            { role: "visitor", text: `known${i}@example.com`, createdAt: "2026-11-20T09:00:05Z" },
          ],
        }),
      );
    }
    expect(await syncTenant(env.DB, config(), t.tenantId)).toMatchObject({ kind: "done", synced: 5 });
    expect(await records(t.org, "Lead")).toHaveLength(5);
    for (const c of seeded) expect((await syncState(t, c.id))?.sf_match).toBe("lead");
    // One read, two rounds of next pages (5 Leads, 2 a page), one write.
    expect(await apiUsed(t.org)).toBe(4);
  });
});
