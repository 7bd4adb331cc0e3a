// What the backfill admin routes take and answer, as zod schemas (the route checks the
// request with the first; the OpenAPI description is generated from both).
import * as z from "zod";

/** A day (`2026-01-01`, midnight UTC) or an instant with its offset. */
const Instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const BackfillInput = z
  .object({
    from: Instant.describe("Start of the range (conversations closed at or after it)."),
    to: Instant.describe("End of the range, excluded; a time after now is read as now."),
    dryRun: z.boolean().default(false).describe("Read iAdvize only: count the conversations and Leads, and the Salesforce calls the real run would cost."),
  })
  .strict();
export type BackfillInput = z.infer<typeof BackfillInput>;

export const BackfillView = z.object({
  id: z.string(),
  tenantId: z.string(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  dryRun: z.boolean(),
  status: z.enum(["running", "held", "done", "cancelled"]),
  rangeRead: z.number().min(0).max(1),
  read: z.number().int(),
  queued: z.number().int(),
  known: z.number().int(),
  written: z.number().int(),
  failed: z.number().int(),
  waiting: z.number().int(),
  etaSeconds: z.number().int().nullable(),
  hold: z.object({ reason: z.string(), paths: z.array(z.string()), retryAt: z.iso.datetime() }).nullable(),
  estimate: z.object({ conversations: z.number().int(), wouldCreateLead: z.number().int(), salesforceCalls: z.number().int().describe("When none of the visitors is in Salesforce yet."), salesforceCallsAtMost: z.number().int().describe("When some are."), unreadable: z.number().int() }).nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
