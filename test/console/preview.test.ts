// The mapping preview inside workerd: exactly the Lead and Conversation record the sync
// would write (each value fitted to its field: cut to its length, a picklist value, a
// yes/no, a number), planned by the sync's own planner, and nothing written; for a recent
// conversation, the values the sync then writes are the ones previewed.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { syncTenant } from "../../src/sync/crm-sync.ts";
import { consolePost, operatorCookie } from "../helpers/console.ts";
import { records } from "../helpers/salesforce.ts";
import { Sim, testConfig } from "../helpers/sim.ts";
import { newSyncTenant, pendingConversation } from "../helpers/tenant.ts";

const FIELDS = {
  Lead: [
    { name: "Vehicle__c", type: "string", length: 8, createable: true, updateable: true, nillable: true },
    { name: "Engine__c", type: "picklist", createable: true, updateable: true, nillable: true, picklist: { values: ["Electric", "Hybrid", "Petrol"], restricted: true } },
    { name: "Wants_Test_Drive__c", type: "boolean", createable: true, updateable: true, nillable: false },
    { name: "Budget__c", type: "double", createable: true, updateable: true, nillable: true },
  ],
};

const unescape = (s: string) => s.replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");

/** The fields and values of a previewed record table, as they would be sent. */
function recordOf(html: string, id: string): Record<string, unknown> {
  const start = html.indexOf(`<table id="${id}">`);
  if (start < 0) return {};
  const table = html.slice(start, html.indexOf("</table>", start));
  return Object.fromEntries([...table.matchAll(/<tr data-field="([^"]+)">.*?<code>(.*?)<\/code>/gs)].map((m) => [m[1], JSON.parse(unescape(m[2] ?? ""))]));
}

const message = (role: string, text: string, minute: number) => ({ role, text, createdAt: new Date(Date.UTC(2026, 10, 20, 9, minute)).toISOString() });

describe("console mapping preview", { timeout: 60_000 }, () => {
  it("shows the records a pasted export would write, each value fitted to its field, and writes nothing", async () => {
    const t = await newSyncTenant({
      org: { extraFields: FIELDS },
      mapping: {
        Q1: { object: "Lead", field: "Vehicle__c" },
        Q2: { object: "Lead", field: "Engine__c" },
        Q3: { object: "Lead", field: "Wants_Test_Drive__c" },
        Q4: { object: "Lead", field: "Budget__c" },
        Q5: { object: "Lead", field: "Email" },
      },
    });
    const exported = [
      message("operator", "[](Q1) Which vehicle?", 1),
      message("visitor", "The new Zoe in blue", 2),
      message("operator", "[](Q2) Which engine?", 3),
      message("visitor", "electric", 4),
      message("operator", "[](Q3) A test drive?", 5),
      message("visitor", "oui volontiers", 6),
      message("operator", "[](Q4) Your budget?", 7),
      message("visitor", "25 000 €", 8),
      message("operator", "[](Q5) Your email?", 9),
      message("visitor", "it's jane.roe@example.com", 10),
    ];
    const res = await consolePost(`/t/${t.tenantId}/mapping/preview`, await operatorCookie(), { conversationId: "", export: JSON.stringify(exported) });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-lead="new"');
    expect(recordOf(html, "preview-lead")).toEqual({
      iAdvize_Visitor_Id__c: "(export)",
      LeadSource: "iAdvize",
      LastName: "Unknown",
      Company: "[not provided]",
      Email: "jane.roe@example.com",
      Vehicle__c: "The new…",
      Engine__c: "Electric",
      Wants_Test_Drive__c: true,
      Budget__c: 25000,
    });
    const conversation = recordOf(html, "preview-conversation");
    expect(conversation).toMatchObject({ Conversation_Id__c: "(export)", Project__c: t.tenantId, Lead__r: { iAdvize_Visitor_Id__c: "(export)" } });
    expect(JSON.parse(String(conversation.Answers__c))).toMatchObject({ Q1: { answer: "The new Zoe in blue" } });
    // Each answer with the value its field gets.
    expect(html).toMatch(/<tr data-tag="Q4">.*?<td>Lead\.Budget__c<\/td><td><code>25000<\/code>/s);
    // Read, never written.
    expect(await records(t.org, "Lead")).toEqual([]);
    expect(await records(t.org, "iAdvize_Conversation__c")).toEqual([]);
  });

  it("previews a recent conversation by its id with exactly the values the sync then writes", async () => {
    const sim = new Sim();
    const t = await newSyncTenant();
    const c = await pendingConversation(t, {}, sim.now);
    const res = await consolePost(`/t/${t.tenantId}/mapping/preview`, await operatorCookie(), { conversationId: c.id, export: "" });
    expect(res.status).toBe(200);
    const html = await res.text();
    const lead = recordOf(html, "preview-lead");
    const conversation = recordOf(html, "preview-conversation");
    expect(lead).toMatchObject({ Vehicle__c: "The new Zoe\nin blue if possible", Engine__c: "Electric", Email: "jane.doe@example.com" });
    expect(await records(t.org, "Lead")).toEqual([]);

    expect(await syncTenant(env.DB, testConfig(), t.tenantId, sim.deps)).toMatchObject({ kind: "done", synced: 1 });
    const [written] = await records(t.org, "Lead");
    for (const [field, value] of Object.entries(lead)) expect([field, written?.[field]]).toEqual([field, value]);
    const [writtenConversation] = await records(t.org, "iAdvize_Conversation__c");
    for (const [field, value] of Object.entries(conversation)) {
      if (field !== "Lead__r") expect([field, writtenConversation?.[field]]).toEqual([field, value]);
    }
  });
});
