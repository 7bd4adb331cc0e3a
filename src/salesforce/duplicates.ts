// Where a conversation goes when Salesforce refused its new Lead as a duplicate without
// naming the record (REST answers to DUPLICATES_DETECTED may lack match records): one
// read of the Contacts and Leads with the visitor's email, phone or visitor id, and the
// plan's preference among them: a Contact, else an open Lead, else a converted Lead's Contact.
import * as z from "zod";
import type { SubResponse, Subrequest } from "./api.ts";
import { API_VERSION, LEAD } from "./model.ts";
import type { Link } from "./plan.ts";
import { chunkForSoql, inList, queryUrl } from "./soql.ts";

export interface RefusedLead {
  visitorId: string;
  email: string | undefined;
  phone: string | undefined;
}

const MAX_LIST_CHARS = 6000;
const CONTACT_FIELDS = "Id, Email, Phone";
const LEAD_FIELDS = `Id, Email, Phone, IsConverted, ConvertedContactId, ${LEAD.visitorId}`;

const present = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => !!v))];

export function lookupRequests(refused: readonly RefusedLead[]): Subrequest[] {
  const out: Subrequest[] = [];
  const by = (object: string, fields: string, field: string, values: string[]) =>
    chunkForSoql(values, MAX_LIST_CHARS).forEach((chunk, i) =>
      out.push({ method: "GET", url: queryUrl(API_VERSION, `SELECT ${fields} FROM ${object} WHERE ${field} IN ${inList(chunk)}`), referenceId: `dup${object}${field.replace(/_/g, "")}_${i}` }),
    );
  const emails = present(refused.map((r) => r.email));
  const phones = present(refused.map((r) => r.phone));
  by("Contact", CONTACT_FIELDS, "Email", emails);
  by("Contact", CONTACT_FIELDS, "Phone", phones);
  by("Lead", LEAD_FIELDS, LEAD.visitorId, present(refused.map((r) => r.visitorId)));
  by("Lead", LEAD_FIELDS, "Email", emails);
  by("Lead", LEAD_FIELDS, "Phone", phones);
  return out;
}

const Row = z.looseObject({
  Id: z.string(),
  Email: z.string().nullish(),
  Phone: z.string().nullish(),
  IsConverted: z.boolean().optional(),
  ConvertedContactId: z.string().nullish(),
});
const Rows = z.object({ records: z.array(Row) });

/** The link for each refused visitor, by visitor id; a failed lookup finds nothing. */
export function duplicateLinks(responses: readonly SubResponse[], refused: readonly RefusedLead[]): Map<string, Link> {
  const rows = (prefix: string) =>
    responses.filter((r) => r.referenceId.startsWith(prefix) && r.httpStatusCode < 400).flatMap((r) => Rows.safeParse(r.body).data?.records ?? []);
  const contacts = rows("dupContact");
  const leads = rows("dupLead");
  const same = (a: string | null | undefined, b: string | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();
  const links = new Map<string, Link>();
  for (const r of refused) {
    const matches = (row: z.infer<typeof Row>) => same(row.Email, r.email) || same(row.Phone, r.phone);
    const contact = contacts.find(matches);
    const candidates = leads.filter((l) => l[LEAD.visitorId] === r.visitorId || matches(l));
    const open = candidates.find((l) => !l.IsConverted);
    const converted = candidates.find((l) => l.IsConverted && l.ConvertedContactId)?.ConvertedContactId;
    if (contact) links.set(r.visitorId, { kind: "contact", id: contact.Id });
    else if (open) links.set(r.visitorId, { kind: "lead", id: open.Id });
    else if (converted) links.set(r.visitorId, { kind: "contact", id: converted });
  }
  return links;
}
