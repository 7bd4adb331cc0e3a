// The iAdvize webhook events we act on, as zod schemas (see CONTRACTS.md).
// Ids are accepted as any bounded string: rejecting an event over a format we
// guessed would lose it, since iAdvize gives up after two retries.
import * as z from "zod";

const Id = z.string().min(1).max(128);
const IsoDate = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 date");
// JSON sends numbers; the form encoding sends digits.
const Int = z.union([z.number().int(), z.string().regex(/^-?\d{1,18}$/).transform(Number)]);
const Num = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);
const Bool = z.union([z.boolean(), z.enum(["true", "false"]).transform((s) => s === "true")]);

export const Platform = z.enum(["ha", "sd"]);
export type Platform = z.infer<typeof Platform>;

const Envelope = z.object({
  eventId: Id,
  platform: Platform,
  clientId: Int,
  projectId: Int,
  createdAt: IsoDate,
  sentAt: IsoDate,
});

const ConversationBase = Envelope.extend({
  conversationId: Id,
  visitorId: Id,
  // Onsite: CHAT, CALL, VIDEO; offsite: FACEBOOK, SMS, ... Any other string is a valid, unknown channel.
  channel: z.string().min(1).max(64),
  visitorExternalId: z.string().max(256).optional(),
});

export const ConversationPushed = ConversationBase.extend({
  eventType: z.literal("v2.conversation.pushed"),
  operatorId: Int,
});

export const ConversationClosed = ConversationBase.extend({
  eventType: z.literal("v2.conversation.closed"),
  operatorIds: z.array(Int).max(1000),
});

export const SatisfactionAnswered = Envelope.extend({
  eventType: z.literal("satisfaction.answered"),
  conversationId: Id,
  customerSatisfaction: Num.optional(),
  netPromoterScore: Num.optional(),
  satisfactionComment: z.string().max(10_000).optional(),
  customQuestion: Bool.optional(),
});

export const TransactionAttributed = Envelope.extend({
  eventType: z.literal("transaction.attributed"),
  conversationId: Id,
  transactionId: Id,
  receivedAt: IsoDate,
  externalId: z.string().max(256),
  amount: Num,
  source: z.enum(["Onsite", "Offsite"]),
  operatorId: Int,
});

export const KnownEvent = z.discriminatedUnion("eventType", [
  ConversationPushed,
  ConversationClosed,
  SatisfactionAnswered,
  TransactionAttributed,
]);
export type KnownEvent = z.infer<typeof KnownEvent>;
export type KnownEventType = KnownEvent["eventType"];

export const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set<KnownEventType>([
  "v2.conversation.pushed",
  "v2.conversation.closed",
  "satisfaction.answered",
  "transaction.attributed",
]);

/** Just enough to route: every signed event names its type. */
export const EventHead = z.object({ eventType: z.string().min(1).max(128) });

/** The tenant of an event, written the way iAdvize writes it: `ha-123`. */
export function tenantIdOf(event: Pick<KnownEvent, "platform" | "projectId">): string {
  return `${event.platform}-${event.projectId}`;
}
