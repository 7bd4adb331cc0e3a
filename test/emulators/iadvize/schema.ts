// The emulator's schema (schema.graphql beside this file, never the connector's) and its
// variants: a field removed or renamed, a type renamed, message types added, so tests
// can prove what the connector does when the live schema differs from its assumptions.
import { readFileSync } from "node:fs";
import { Kind, buildASTSchema, defaultFieldResolver, parse, visit } from "graphql";
import type { DocumentNode, FieldDefinitionNode, GraphQLFieldResolver, GraphQLSchema, GraphQLTypeResolver } from "graphql";

export interface SchemaVariant {
  /** Fields the live schema lacks, as "Type.field". */
  removeFields?: string[];
  /** Fields under another name: "Type.field" → "newName". */
  renameFields?: Record<string, string>;
  /** Arguments under another name: "Type.field(arg)" → "newName". */
  renameArguments?: Record<string, string>;
  /** Types under another name: "OldName" → "NewName". */
  renameTypes?: Record<string, string>;
  /** Message types the connector does not know; a seeded message with `type` set to one is served as such. */
  addMessageTypes?: string[];
}

export interface ServedSchema {
  schema: GraphQLSchema;
  sdl: DocumentNode;
  /** Reads a renamed field from the emulator's data under its original name. */
  fieldResolver: GraphQLFieldResolver<unknown, unknown>;
  /** The served name of a type the emulator's data names by its original name. */
  typeResolver: GraphQLTypeResolver<unknown, unknown>;
}

const BASE = parse(readFileSync(new URL("./schema.graphql", import.meta.url).pathname, "utf8"));
const cache = new Map<string, ServedSchema>();

function variantDocument(v: SchemaVariant): DocumentNode {
  const removed = new Set(v.removeFields ?? []);
  const renamedFields = v.renameFields ?? {};
  const renamedTypes = v.renameTypes ?? {};
  const renamedArguments = v.renameArguments ?? {};
  let typeName = "";
  const doc = visit(BASE, {
    ObjectTypeDefinition: { enter: (node) => void (typeName = node.name.value) },
    InterfaceTypeDefinition: { enter: (node) => void (typeName = node.name.value) },
    FieldDefinition(node: FieldDefinitionNode) {
      const path = `${typeName}.${node.name.value}`;
      if (removed.has(path)) return null;
      const to = renamedFields[path];
      const args = node.arguments?.map((a) => {
        const renamed = renamedArguments[`${path}(${a.name.value})`];
        return renamed ? { ...a, name: { ...a.name, value: renamed } } : a;
      });
      const withArgs = args ? { ...node, arguments: args } : node;
      return to ? { ...withArgs, name: { ...node.name, value: to } } : withArgs;
    },
    Name: {
      leave(node, _key, parent) {
        // Type names, wherever they appear (definitions, references, unions): not field names.
        const isField = parent !== undefined && !Array.isArray(parent) && "kind" in parent && (parent.kind === Kind.FIELD_DEFINITION || parent.kind === Kind.INPUT_VALUE_DEFINITION);
        const to = renamedTypes[node.value];
        return to && !isField ? { ...node, value: to } : undefined;
      },
    },
  });
  const added = (v.addMessageTypes ?? []).map((name) => `type ${name} implements Message { id: UUID! createdAt: DateTime! body: String }`);
  return added.length > 0 ? { ...doc, definitions: [...doc.definitions, ...parse(added.join("\n")).definitions] } : doc;
}

/** The schema served for a variant (the reference one for none), built once per variant. */
export function servedSchema(variant: SchemaVariant | undefined): ServedSchema {
  const key = JSON.stringify(variant ?? {});
  const hit = cache.get(key);
  if (hit) return hit;
  const sdl = variantDocument(variant ?? {});
  const back = new Map<string, string>();
  for (const [path, to] of Object.entries(variant?.renameFields ?? {})) {
    const [type = "", field = ""] = path.split(".");
    back.set(`${variant?.renameTypes?.[type] ?? type}.${to}`, field);
  }
  const served: ServedSchema = {
    schema: buildASTSchema(sdl),
    sdl,
    fieldResolver: (source, args, context, info) =>
      defaultFieldResolver(source, args, context, { ...info, fieldName: back.get(`${info.parentType.name}.${info.fieldName}`) ?? info.fieldName }),
    typeResolver: (value) => {
      const name = (value as { __typename?: string }).__typename ?? "";
      return variant?.renameTypes?.[name] ?? name;
    },
  };
  cache.set(key, served);
  return served;
}
