// Replaces the hand-written schema subset by the live one: logs in as the given iAdvize
// user, runs the standard introspection query, and prints the schema as SDL.
import { buildClientSchema, getIntrospectionQuery, printSchema } from "graphql";
import type { IntrospectionQuery } from "graphql";
import * as z from "zod";
import type { RetryDeps } from "../lib/retry.ts";
import { fetchWithRetry } from "../lib/retry.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import type { Platform } from "../events/schema.ts";
import { login } from "./login.ts";
import type { Credentials } from "./login.ts";

/** The `data` of an introspection answer, checked loosely; buildClientSchema checks the rest. */
export const IntrospectionData = z.object({ __schema: z.object({ types: z.array(z.unknown()) }).loose() }).loose();
const IntrospectionAnswer = z.object({ data: IntrospectionData });

export async function pullSchema(deps: RetryDeps, baseUrl: string, credentials: Credentials, platform: Platform): Promise<string> {
  const { token } = await login(deps, baseUrl, credentials);
  const url = platform === "sd" ? `${baseUrl}/graphql?platform=sd` : `${baseUrl}/graphql`;
  const outcome = await fetchWithRetry(deps, url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: getIntrospectionQuery(), operationName: "IntrospectionQuery" }),
  });
  if (!outcome.ok) throw new UpstreamError("iadvize", "unreachable", `introspection: ${outcome.reason}`, { retryable: true });
  const parsed = IntrospectionAnswer.safeParse(await outcome.response.json().catch(() => null));
  if (!outcome.response.ok || !parsed.success) {
    throw new UpstreamError("iadvize", "bad_answer", `introspection answered ${outcome.response.status} without a schema`, {
      retryable: false,
      status: outcome.response.status,
    });
  }
  const schema = buildClientSchema(parsed.data.data as unknown as IntrospectionQuery);
  return `# The iAdvize GraphQL schema, pulled by introspection (npm run schema:pull).\n\n${printSchema(schema)}\n`;
}
