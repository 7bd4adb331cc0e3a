// What the client assumes about the iAdvize GraphQL API beyond the public reference, in
// one place: the reading of the types listed in the ASSUMPTIONS section of
// graphql/schema.graphql. Correct both together when the live schema says otherwise.
import type { Role } from "../qualification/messages.ts";
import type { ConversationForCrmQuery } from "./generated/graphql.ts";

/** The GraphQL types of messages the operations select (from the schema, through codegen). */
type MessageType = NonNullable<NonNullable<ConversationForCrmQuery["conversation"]>["messages"]>["edges"][number]["node"]["__typename"];

/**
 * ASSUMPTION: who wrote a message, from its GraphQL type. Only `SystemMessage` is public;
 * the visitor, operator and bot message type names are guesses. Every type the
 * operations select must be here (the type check says so); a type missing here is never
 * taken for a system message: the conversation is flagged `unknown_message_shape`.
 */
const MESSAGE_AUTHOR_BY_TYPE: Readonly<Record<MessageType, Role>> = {
  SystemMessage: "system",
  VisitorMessage: "visitor",
  OperatorMessage: "operator",
  BotMessage: "bot",
};

/** The author of a message of this GraphQL type, or undefined when the connector cannot tell. */
export function messageAuthor(typename: string): Role | undefined {
  return Object.entries(MESSAGE_AUTHOR_BY_TYPE).find(([type]) => type === typename)?.[1];
}

/**
 * ASSUMPTION: how `closedConversations` reads its `interval`. Its argument shape (names of
 * the argument and input types) is guessed in the ASSUMPTIONS section of
 * graphql/schema.graphql and used by graphql/operations/closed-conversations.graphql only;
 * the live schema validates it like every other operation. Not public either: the
 * longest interval iAdvize answers, and whether `to` is included. The backfill asks for
 * windows of this length, each `[from, to)`, consecutive, so that no conversation is read
 * twice or missed whichever way iAdvize treats the bounds (an overlap would only be read as
 * a known conversation).
 */
export const CLOSED_CONVERSATIONS_WINDOW_MS = 7 * 24 * 3_600_000;
/** Conversations per page of `closedConversations` (the Relay `first`): half a sync batch, so the backfill can gather pages into one. */
export const CLOSED_CONVERSATIONS_PAGE = 50;

/** The variables of ClosedConversationsPage for one window and page: the guessed shape lives in the document. */
export function closedConversationsVariables(projectId: number, window: { from: Date; to: Date }, after: string | null) {
  return { projectIds: [projectId], from: window.from.toISOString(), to: window.to.toISOString(), first: CLOSED_CONVERSATIONS_PAGE, ...(after ? { after } : {}) };
}
