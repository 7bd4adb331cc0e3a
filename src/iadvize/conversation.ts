// The iAdvize answers about a conversation, checked with zod, turned into what the CRM needs.
// A message whose author cannot be told from its type is kept out of the answers and
// counted, never taken for a system message.
import * as z from "zod";
import type { ChatMessage } from "../qualification/messages.ts";
import { messageAuthor } from "./assumptions.ts";

const MessageNode = z.object({
  __typename: z.string(),
  createdAt: z.string().optional(),
  text: z.string().nullable().optional(),
  attachments: z.array(z.object({ __typename: z.string() })).optional(),
});
type MessageNode = z.infer<typeof MessageNode>;

const Page = z.object({
  pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  edges: z.array(z.object({ node: MessageNode })),
});
export type Page = z.infer<typeof Page>;
const EMPTY_PAGE: Page = { pageInfo: { hasNextPage: false, endCursor: null }, edges: [] };

const Visitor = z.object({
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  email: z.string().nullable(),
  phoneNumber: z.string().nullable(),
  city: z.string().nullable(),
  country: z.string().nullable(),
  externalUserId: z.string().nullable(),
});
export type Visitor = z.infer<typeof Visitor>;

// An entry of a type the query does not name comes back empty: it has no key and is skipped.
const CustomDataEntry = z.object({
  key: z.string().optional(),
  stringValue: z.string().nullable().optional(),
  intValue: z.number().nullable().optional(),
  floatValue: z.number().nullable().optional(),
  booleanValue: z.boolean().nullable().optional(),
});

export const ConversationAnswer = z.object({
  conversation: z
    .object({
      id: z.string(),
      createdAt: z.string(),
      closedAt: z.string().nullable(),
      channel: z.string(),
      language: z.string().nullable(),
      visitor: Visitor.nullable(),
      messages: Page.nullable().transform((p) => p ?? EMPTY_PAGE),
    })
    .nullable(),
  visitorConversationCustomData: z.object({ customData: z.array(CustomDataEntry) }).nullable(),
});

export const MessagesAnswer = z.object({
  conversation: z.object({ messages: Page.nullable().transform((p) => p ?? EMPTY_PAGE) }).nullable(),
});

/** Messages whose author could not be told: how many, and their GraphQL types (names only). */
export interface UnknownMessages {
  count: number;
  types: string[];
}

export interface ConversationData {
  id: string;
  createdAt: string;
  closedAt: string | null;
  channel: string;
  language: string | null;
  visitor: Visitor | null;
  customData: Record<string, string | number | boolean>;
  messages: ChatMessage[];
  unknownMessages: UnknownMessages;
}

/** A message as the CRM shows it, or undefined when its author cannot be told from its type. */
export function toChatMessage(node: MessageNode): ChatMessage | undefined {
  const role = messageAuthor(node.__typename);
  if (!role || node.createdAt === undefined) return undefined;
  if (role === "system") {
    const kinds = (node.attachments ?? []).map((a) => a.__typename);
    return { role, text: kinds.length > 0 ? `[${kinds.join(", ")}]` : "", createdAt: node.createdAt };
  }
  return { role, text: node.text ?? "[message without text]", createdAt: node.createdAt };
}

/** Sorts a page's messages into those the CRM can read and those of an unknown shape. */
export function readMessages(nodes: readonly MessageNode[], into: { messages: ChatMessage[]; unknown: UnknownMessages }): void {
  for (const node of nodes) {
    const message = toChatMessage(node);
    if (message) {
      into.messages.push(message);
    } else {
      into.unknown.count++;
      if (!into.unknown.types.includes(node.__typename)) into.unknown.types.push(node.__typename);
    }
  }
}

export function customDataRecord(entries: z.infer<typeof CustomDataEntry>[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const e of entries) {
    const value = e.stringValue ?? e.intValue ?? e.floatValue ?? e.booleanValue;
    if (e.key !== undefined && value !== null && value !== undefined) out[e.key] = value;
  }
  return out;
}
