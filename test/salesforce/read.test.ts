// The read of a batch of 200: its queries fit one composite, each query's URL, encoded,
// stays within the 16,384 characters Salesforce takes, and every value is asked for.
import { describe, expect, it } from "vitest";
import { isQueryOrCollection } from "../../src/salesforce/api.ts";
import { readRequests } from "../../src/salesforce/read.ts";
import { packComposites } from "../../src/salesforce/read-all.ts";

const URI_MAX = 16_384;
const visitorId = () => `${crypto.randomUUID()}${crypto.randomUUID()}`.replaceAll("-", "");

function needs(emails: string[], visitorIds: string[]) {
  return { emails, visitorIds, describe: ["Lead", "Conversation"] as ("Lead" | "Conversation")[], leadFields: ["FirstName", "LastName", "Phone"], uncheckedLeadFields: ["Company", "Title"] };
}

/** Which of `values` the URLs ask for, each in exactly one of them. */
function asked(urls: string[], values: string[]): string[] {
  const text = urls.map((u) => decodeURIComponent(u));
  return values.filter((v) => text.filter((t) => t.includes(`'${v}'`)).length === 1);
}

describe("reading a batch from Salesforce", () => {
  it("200 conversations with 64-character visitor ids: one composite, the Lead lists split, every URL within 16,384", () => {
    const emails = Array.from({ length: 200 }, (_, i) => `firstname.lastname.${i}@example-company.com`);
    const visitors = Array.from({ length: 200 }, visitorId);
    const subs = readRequests(needs(emails, visitors));
    for (const s of subs) expect(s.url.length).toBeLessThanOrEqual(URI_MAX);
    expect(packComposites(subs)).toHaveLength(1);
    const leads = subs.filter((s) => s.referenceId.startsWith("leads_")).map((s) => s.url);
    expect(leads.length).toBeGreaterThan(1);
    expect(asked(leads, [...emails, ...visitors])).toHaveLength(400);
    expect(asked(subs.filter((s) => s.referenceId.startsWith("contacts_")).map((s) => s.url), emails)).toHaveLength(200);
    expect(subs.filter(isQueryOrCollection).length).toBeLessThanOrEqual(5);
  });

  it("values whose every character is encoded in a URL still keep each URL within 16,384", () => {
    const emails = Array.from({ length: 200 }, (_, i) => `${"%&+/?#;=[]".repeat(6)}${i}@x.io`);
    const subs = readRequests(needs(emails, []));
    for (const s of subs) expect(s.url.length).toBeLessThanOrEqual(URI_MAX);
    expect(asked(subs.filter((s) => s.referenceId.startsWith("contacts_")).map((s) => s.url), emails)).toHaveLength(200);
    expect(asked(subs.filter((s) => s.referenceId.startsWith("leads_")).map((s) => s.url), emails)).toHaveLength(200);
  });
});
