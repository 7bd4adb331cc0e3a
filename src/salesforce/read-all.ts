// A read of any size in as few calls as the composite limits allow: the subrequests
// packed into composites (25 subrequests, 5 of them queries, each), then every query
// answered with `done: false` followed through its `nextRecordsUrl` pages, also packed,
// until each query holds all its records. Nothing is silently cut short.
import * as z from "zod";
import { UpstreamError } from "../lib/upstream-error.ts";
import { COMPOSITE_LIMITS, isQueryOrCollection } from "./api.ts";
import type { SalesforceApi, SubResponse, Subrequest } from "./api.ts";

/** First fit, in order: the fewest composites that hold every subrequest within the limits. */
export function packComposites(subrequests: readonly Subrequest[]): Subrequest[][] {
  const packs: Subrequest[][] = [];
  for (const sub of subrequests) {
    const heavy = isQueryOrCollection(sub);
    const fits = (pack: Subrequest[]) =>
      pack.length < COMPOSITE_LIMITS.subrequests && (!heavy || pack.filter(isQueryOrCollection).length < COMPOSITE_LIMITS.queriesOrCollections);
    const pack = packs.find(fits);
    if (pack) pack.push(sub);
    else packs.push([sub]);
  }
  return packs;
}

const Page = z.looseObject({ done: z.boolean(), nextRecordsUrl: z.string().optional(), records: z.array(z.unknown()) });

function nextPage(r: SubResponse): string | undefined {
  if (r.httpStatusCode >= 400) return undefined;
  const page = Page.safeParse(r.body);
  if (!page.success || page.data.done) return undefined;
  if (!page.data.nextRecordsUrl) throw new UpstreamError("salesforce", "bad_answer", "Salesforce answered a query with more records but no nextRecordsUrl", { retryable: true });
  return page.data.nextRecordsUrl;
}

/** Sends read-only subrequests (no references between them) and returns their answers in order, every query complete. */
export async function readAll(api: SalesforceApi, subrequests: readonly Subrequest[]): Promise<SubResponse[]> {
  const answers = new Map<string, SubResponse>();
  const send = async (subs: readonly Subrequest[]) => {
    const out: SubResponse[] = [];
    for (const pack of packComposites(subs)) out.push(...(await api.composite(pack, { autoAssign: false })));
    return out;
  };
  for (const r of await send(subrequests)) answers.set(r.referenceId, r);
  for (;;) {
    const more = [...answers.values()].flatMap((r) => {
      const url = nextPage(r);
      return url ? [{ method: "GET" as const, url, referenceId: r.referenceId }] : [];
    });
    if (more.length === 0) break;
    for (const r of await send(more)) {
      const before = answers.get(r.referenceId);
      const page = Page.safeParse(r.body);
      const earlier = before ? Page.safeParse(before.body) : undefined;
      // A page that fails makes the whole query fail: its records would be incomplete.
      if (r.httpStatusCode >= 400 || !page.success || !earlier?.success) answers.set(r.referenceId, r);
      else answers.set(r.referenceId, { ...r, body: { ...page.data, records: [...earlier.data.records, ...page.data.records] } });
    }
  }
  return subrequests.flatMap((s) => answers.get(s.referenceId) ?? []);
}
