// The answer of ClosedConversationsPage, checked with zod: a page of closed conversations
// (ids and the few facts the backfill stores before the sync reads each in full).
import * as z from "zod";

const ClosedNode = z.object({
  id: z.string().min(1),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
  channel: z.string(),
});
export type ClosedConversation = z.infer<typeof ClosedNode>;

export const ClosedPageAnswer = z.object({
  closedConversations: z.object({
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
    edges: z.array(z.object({ node: ClosedNode })),
  }),
});

export interface ClosedPage {
  conversations: ClosedConversation[];
  hasNextPage: boolean;
  endCursor: string | null;
}
