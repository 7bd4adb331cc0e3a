// A conversation's messages as the qualification step reads them, whatever their source
// (the iAdvize API, or an exported conversation checked with `npm run extract`).
import * as z from "zod";

export const Role = z.enum(["operator", "bot", "visitor", "system"]);
export type Role = z.infer<typeof Role>;

export const ChatMessage = z.object({
  role: Role,
  text: z.string(),
  createdAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 date"),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const ChatMessages = z.array(ChatMessage);
