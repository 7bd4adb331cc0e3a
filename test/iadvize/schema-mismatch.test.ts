// Which paths of an operation a schema lacks: from graphql-js's validation messages, and
// by checking the document against a schema (the live one, introspected).
import { buildSchema, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { ConversationForCrmDocument } from "../../src/iadvize/generated/graphql.ts";
import { mismatchPaths, pathsFromMessages } from "../../src/iadvize/schema-mismatch.ts";

const LIVE = buildSchema(`
  scalar UUID
  type Query { conversation(id: UUID!): Conversation }
  type Conversation { id: UUID! channel: String! visitor: Visitor language: Language }
  type Visitor { visitorId: UUID! email: Email }
  type Email { address: String }
  enum Language { fr en }
`);

describe("pathsFromMessages", () => {
  it("reads the field, type, fragment and argument messages of graphql-js", () => {
    expect(
      pathsFromMessages([
        'Cannot query field "id" on type "Visitor". Did you mean "visitorId"?',
        'Unknown type "BotMessage". Did you mean "SystemMessage"?',
        'Fragment cannot be spread here as objects of type "Message" can never be of type "OperatorMessage".',
        'Unknown argument "first" on field "Conversation.messages".',
      ]),
    ).toEqual(["BotMessage", "Conversation.messages(first)", "OperatorMessage", "Visitor.id"]);
  });

  it("names nothing for other errors", () => {
    expect(pathsFromMessages(["Internal server error", 'Variable "$id" got invalid value "x"'])).toEqual([]);
  });
});

describe("mismatchPaths", () => {
  it("lists each field, type and argument the schema lacks, and a leaf that became an object", () => {
    const doc = parse(`query Q($id: UUID!, $n: Int!) {
      conversation(id: $id) { id channel visitor { id email } messages(first: $n) { edges { node { ... on BotMessage { text } } } } }
    }`);
    expect(mismatchPaths(LIVE, doc)).toEqual(["BotMessage", "Conversation.messages", "Visitor.email", "Visitor.id"]);
  });

  it("is empty for a document the schema validates", () => {
    expect(mismatchPaths(LIVE, parse(`query Q($id: UUID!) { conversation(id: $id) { id language visitor { email { address } } } }`))).toEqual([]);
  });

  it("finds what the connector's own operation needs from a schema that lacks it", () => {
    expect(mismatchPaths(LIVE, ConversationForCrmDocument)).toContain("Conversation.createdAt");
  });
});
