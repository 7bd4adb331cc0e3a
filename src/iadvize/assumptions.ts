// What the client assumes about the iAdvize GraphQL API beyond the public reference, in
// one place: the reading of the types listed in the ASSUMPTIONS section of
// graphql/schema.graphql. Correct both together when the live schema says otherwise.
import type { Role } from "../qualification/messages.ts";

/**
 * ASSUMPTION: who wrote a message, from its GraphQL type. Only `SystemMessage` is public;
 * the visitor, operator and bot message type names are guesses. A type missing here is
 * never taken for a system message: the conversation is flagged `unknown_message_shape`.
 */
export const MESSAGE_AUTHOR_BY_TYPE: Readonly<Record<string, Role>> = {
  SystemMessage: "system",
  VisitorMessage: "visitor",
  OperatorMessage: "operator",
  BotMessage: "bot",
};
