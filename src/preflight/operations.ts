// Every operation the connector sends to iAdvize, as bundled in the Worker: the typed
// documents codegen generates from graphql/operations/ (no file system at run time).
import type { DocumentNode } from "graphql";
import * as generated from "../iadvize/generated/graphql.ts";

function isDocument(value: unknown): value is DocumentNode {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "Document";
}

/** Operation name → its document, fragments included. */
export const OPERATIONS: ReadonlyMap<string, DocumentNode> = new Map(
  Object.entries(generated)
    .filter(([name, value]) => name.endsWith("Document") && isDocument(value))
    .map(([name, value]) => [name.replace(/Document$/, ""), value as DocumentNode]),
);
