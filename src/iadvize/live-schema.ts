// The tenant's live iAdvize schema: introspected with the shared token, kept in D1 so
// that the sync may reuse it for a day, and checked against the connector's operations.
import { buildClientSchema, getIntrospectionQuery, validate } from "graphql";
import { mismatchPaths } from "./schema-mismatch.ts";
import type { DocumentNode, GraphQLSchema, IntrospectionQuery } from "graphql";
import * as z from "zod";
import { UpstreamError } from "../lib/upstream-error.ts";
import type { Platform } from "../events/schema.ts";

export const SCHEMA_TTL_MS = 24 * 60 * 60 * 1000;

const IntrospectionData = z.object({ __schema: z.object({ types: z.array(z.unknown()) }).loose() }).loose();
const IntrospectionAnswer = z.object({ data: IntrospectionData });

export interface IntrospectDeps {
  fetch: typeof fetch;
  baseUrl: string;
  platform: Platform;
  /** A token from the shared cache; `rejected` names one iAdvize just refused. */
  token: (rejected?: string) => Promise<string>;
  signal?: AbortSignal;
}

/** The standard introspection query, with one fresh token if the cached one is refused. */
export async function introspect(deps: IntrospectDeps): Promise<IntrospectionQuery> {
  const url = deps.platform === "sd" ? `${deps.baseUrl}/graphql?platform=sd` : `${deps.baseUrl}/graphql`;
  const body = JSON.stringify({ query: getIntrospectionQuery(), operationName: "IntrospectionQuery" });
  const send = (token: string) =>
    deps.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
  const token = await deps.token();
  let res = await send(token);
  if (res.status === 401) {
    await res.body?.cancel();
    res = await send(await deps.token(token));
  }
  const parsed = IntrospectionAnswer.safeParse(await res.json().catch(() => null));
  if (!res.ok || !parsed.success) {
    throw new UpstreamError("iadvize", "introspection_refused", `iAdvize answered the introspection with ${res.status} and no schema`, {
      retryable: res.status >= 500,
      status: res.status,
    });
  }
  return parsed.data.data as unknown as IntrospectionQuery;
}

export async function storeSchema(db: D1Database, tenantId: string, introspection: IntrospectionQuery, now: Date): Promise<void> {
  await db
    .prepare(
      `INSERT INTO iadvize_schema (tenant_id, introspection, fetched_at) VALUES (?1, ?2, ?3)
       ON CONFLICT (tenant_id) DO UPDATE SET introspection = excluded.introspection, fetched_at = excluded.fetched_at`,
    )
    .bind(tenantId, JSON.stringify(introspection), now.toISOString())
    .run();
}

/** The schema introspected within the last day, if any. */
export async function cachedSchema(db: D1Database, tenantId: string, now: Date): Promise<GraphQLSchema | undefined> {
  const row = await db.prepare(`SELECT introspection, fetched_at FROM iadvize_schema WHERE tenant_id = ?1`).bind(tenantId).first<{ introspection: string; fetched_at: string }>();
  if (!row || now.getTime() - Date.parse(row.fetched_at) > SCHEMA_TTL_MS) return undefined;
  try {
    return buildClientSchema(JSON.parse(row.introspection) as IntrospectionQuery);
  } catch {
    return undefined;
  }
}

/**
 * What of `document` the schema lacks, as `Type.field` paths (a missing type by its name,
 * an unknown argument as `Type.field(arg)`); when no path explains the errors (a changed
 * argument type, say), graphql-js's messages, which name schema elements only, never data.
 */
export function invalidPaths(schema: GraphQLSchema, document: DocumentNode): { paths: string[]; otherErrors: string[] } {
  const errors = validate(schema, document);
  if (errors.length === 0) return { paths: [], otherErrors: [] };
  const paths = mismatchPaths(schema, document);
  return { paths, otherErrors: paths.length === 0 ? errors.map((e) => e.message) : [] };
}
