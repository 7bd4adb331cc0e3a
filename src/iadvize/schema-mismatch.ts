// Which parts of an operation the live iAdvize schema lacks, as `Type.field` paths (names
// only): read from the validation messages iAdvize answers (graphql-js wording), or found
// by checking the operation against the live schema, introspected.
import { TypeInfo, getNamedType, isLeafType, specifiedScalarTypes, validate, visit, visitWithTypeInfo } from "graphql";
import type { DocumentNode, GraphQLSchema } from "graphql";

const PATTERNS: readonly [RegExp, (m: RegExpExecArray) => string][] = [
  [/Cannot query field "([^"]+)" on type "([^"]+)"/, (m) => `${m[2]}.${m[1]}`],
  [/Unknown type "([^"]+)"/, (m) => `${m[1]}`],
  [/can never be of type "([^"]+)"/, (m) => `${m[1]}`],
  [/Unknown argument "([^"]+)" on field "([^"]+)"/, (m) => `${m[2]}(${m[1]})`],
];

const BUILT_IN = new Set(specifiedScalarTypes.map((t) => t.name));

/** The paths named by graphql-js validation messages; messages of another kind name none. */
export function pathsFromMessages(messages: readonly string[]): string[] {
  const paths = new Set<string>();
  for (const message of messages) {
    for (const [pattern, path] of PATTERNS) {
      const m = pattern.exec(message);
      if (m && !BUILT_IN.has(path(m))) paths.add(path(m));
    }
  }
  return [...paths].sort();
}

/** Every path of `document` that `schema` lacks or types differently; empty when the document is valid. */
export function mismatchPaths(schema: GraphQLSchema, document: DocumentNode): string[] {
  const paths = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const name = node.name.value;
        if (!parent || name.startsWith("__")) return;
        const def = typeInfo.getFieldDef();
        if (!def) {
          paths.add(`${parent.name}.${name}`);
          return;
        }
        // A leaf where an object was expected, or the other way round.
        if ((node.selectionSet !== undefined) === isLeafType(getNamedType(def.type))) paths.add(`${parent.name}.${name}`);
        for (const arg of node.arguments ?? []) {
          if (!def.args.some((a) => a.name === arg.name.value)) paths.add(`${parent.name}.${name}(${arg.name.value})`);
        }
      },
      // Fragment type conditions and variable types (a schema lists a built-in scalar only where it uses it).
      NamedType(node) {
        const name = node.name.value;
        if (!schema.getType(name) && !BUILT_IN.has(name)) paths.add(name);
      },
    }),
  );
  for (const path of pathsFromMessages(validate(schema, document).map((e) => e.message))) paths.add(path);
  return [...paths].sort();
}
