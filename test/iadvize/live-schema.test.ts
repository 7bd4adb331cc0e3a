// The paths an operation needs and a schema lacks, as graphql-js validation finds them.
import { buildSchema, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { invalidPaths } from "../../src/iadvize/live-schema.ts";
import { OPERATIONS } from "../../src/preflight/operations.ts";

const SCHEMA = buildSchema(`
  type Query { conversation(id: ID!): Conversation }
  type Conversation { id: ID! visitor: Visitor messages(first: Int): [Message!]! }
  type Visitor { visitorId: ID! firstName: String }
  interface Message { id: ID! }
  type SystemMessage implements Message { id: ID! }
`);

describe("invalidPaths", () => {
  it("lists each missing field as Type.field, a missing type by its name, an unknown argument as Type.field(arg)", () => {
    const doc = parse(`query Q($id: ID!) {
      conversation(id: $id) {
        id
        visitor { id firstName email }
        messages(first: 10, after: "x") { id ... on VisitorMessage { text } }
      }
    }`);
    expect(invalidPaths(SCHEMA, doc)).toEqual({ paths: ["Conversation.messages(after)", "Visitor.email", "Visitor.id", "VisitorMessage"], otherErrors: [] });
  });

  it("is empty for a valid operation, and falls back to graphql-js's messages when no path explains the error", () => {
    expect(invalidPaths(SCHEMA, parse(`query { conversation(id: "1") { id visitor { visitorId } } }`))).toEqual({ paths: [], otherErrors: [] });
    const wrongType = invalidPaths(SCHEMA, parse(`query Q($id: Int!) { conversation(id: $id) { id } }`));
    expect(wrongType.paths).toEqual([]);
    expect(wrongType.otherErrors.join(" ")).toContain('Variable "$id" of type "Int!" used in position expecting type "ID!"');
  });

  it("bundles every operation of graphql/operations/ in the Worker", () => {
    const files = import.meta.glob("../../graphql/operations/*.graphql", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
    const declared = Object.values(files).flatMap((text) => [...text.matchAll(/^\s*(?:query|mutation|subscription)\s+([A-Za-z0-9_]+)/gm)].map((m) => m[1]));
    expect([...OPERATIONS.keys()].sort()).toEqual(declared.sort());
    expect(declared.length).toBeGreaterThanOrEqual(3);
  });
});
