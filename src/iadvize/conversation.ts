// The iAdvize answers about a conversation, checked with zod, turned into what the CRM needs.
import * as z from "zod";
import type { ChatMessage, Role } from "../qualification/messages.ts";

const Page = z.object({
  pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  edges: z.array(
    z.object({
      node: z.object({
        id: z.string(),
        createdAt: z.string(),
        author: z.object({ role: z.string() }),
        payload: z.object({ contentType: z.string(), value: z.string().nullable() }),
      }),
    }),
  ),
});
export type Page = z.infer<typeof Page>;

const Visitor = z.object({
  id: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  email: z.string().nullable(),
  phoneNumber: z.string().nullable(),
  city: z.string().nullable(),
  country: z.string().nullable(),
  externalUserId: z.string().nullable(),
});
export type Visitor = z.infer<typeof Visitor>;

const CustomDataEntry = z.object({
  key: z.string(),
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
      channel: z.string().nullable(),
      language: z.string().nullable(),
      visitor: Visitor.nullable(),
      messages: Page,
    })
    .nullable(),
  visitorConversationCustomData: z.object({ customData: z.array(CustomDataEntry) }).nullable(),
});

export const MessagesAnswer = z.object({ conversation: z.object({ messages: Page }).nullable() });

export interface ConversationData {
  id: string;
  createdAt: string;
  closedAt: string | null;
  channel: string | null;
  language: string | null;
  visitor: Visitor | null;
  customData: Record<string, string | number | boolean>;
  messages: ChatMessage[];
}

const ROLES: Record<string, Role> = { VISITOR: "visitor", OPERATOR: "operator", BOT: "bot", SYSTEM: "system" };

/** A message as the CRM shows it; a payload that is not text is named by its type. */
export function toChatMessage(node: Page["edges"][number]["node"]): ChatMessage {
  const text = node.payload.contentType === "text" ? (node.payload.value ?? "") : node.payload.value ?? `[${node.payload.contentType}]`;
  return { role: ROLES[node.author.role] ?? "system", text, createdAt: node.createdAt };
}

export function customDataRecord(entries: z.infer<typeof CustomDataEntry>[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const e of entries) {
    const value = e.stringValue ?? e.intValue ?? e.floatValue ?? e.booleanValue;
    if (value !== null && value !== undefined) out[e.key] = value;
  }
  return out;
}
