// The iAdvize webhook events we act on, as zod schemas (see CONTRACTS.md).
// Ids are accepted as any bounded string: rejecting an event over a format we
// guessed would lose it, since iAdvize gives up after two retries.
import * as z from "zod";

const Id = z.string().min(1).max(128);
const IsoDate = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 date");
// JSON sends numbers; the form encoding sends digits. Either way the value must be one
// the rest of the pipeline keeps exactly: an id beyond 2^53 - 1 would be rounded, a
// number beyond its bounds is no score or amount.
const Digits = z.string().regex(/^\d{1,16}$/).transform(Number);
const Decimal = z.string().regex(/^-?\d{1,15}(\.\d{1,15})?$/).transform(Number);
/** A non-negative integer id, exact in JavaScript (at most 2^53 - 1). */
const Int = z.union([z.number(), Digits]).pipe(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER));
/** A project id: a positive integer, as in the tenant id `ha-123`. */
const ProjectId = z.union([z.number(), Digits]).pipe(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER));
const Num = (min: number, max: number) => z.union([z.number(), Decimal]).pipe(z.number().min(min).max(max));
const Bool = z.union([z.boolean(), z.enum(["true", "false"]).transform((s) => s === "true")]);

export const Platform = z.enum(["ha", "sd"]);
export type Platform = z.infer<typeof Platform>;

const Envelope = z.object({
  eventId: Id,
  platform: Platform,
  clientId: Int,
  projectId: ProjectId,
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
  // Survey scales are small (stars, 0 to 10); 100 leaves room for a percentage.
  customerSatisfaction: Num(0, 100).optional(),
  netPromoterScore: Num(0, 10).optional(),
  satisfactionComment: z.string().max(10_000).optional(),
  customQuestion: Bool.optional(),
});

export const TransactionAttributed = Envelope.extend({
  eventType: z.literal("transaction.attributed"),
  conversationId: Id,
  transactionId: Id,
  receivedAt: IsoDate,
  externalId: z.string().max(256),
  amount: Num(-1e12, 1e12),
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
