// The iAdvize GraphQL client: typed documents executed by graphql-request, a shared
// token with one fresh login on `invalid_token`, retries on network errors, 5xx and
// timeouts, and GraphQL errors turned into typed errors naming the operation.
import { ClientError, GraphQLClient } from "graphql-request";
import { fetchWithRetry } from "../lib/retry.ts";
import type { RetryDeps, RetryPolicy } from "../lib/retry.ts";
import { DEFAULT_RETRY } from "../lib/retry.ts";
import { ContractError } from "../lib/contract-error.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import type { Platform } from "../webhooks/events.ts";
import { ConversationAnswer, MessagesAnswer, customDataRecord, toChatMessage } from "./conversation.ts";
import type { ConversationData, Page } from "./conversation.ts";
import { ConversationForCrmDocument, ConversationMessagesDocument } from "./generated/graphql.ts";

export interface IadvizeClientOptions {
  baseUrl: string;
  platform: Platform;
  retry: RetryDeps;
  retryPolicy?: RetryPolicy;
  /** A valid token; `rejected` names one iAdvize just refused. */
  token: (rejected?: string) => Promise<string>;
  pageSize?: number;
  maxPages?: number;
}

export class IadvizeGraphQLError extends UpstreamError {
  override name = "IadvizeGraphQLError";
  readonly operation: string;
  readonly codes: string[];

  constructor(operation: string, codes: string[], retryable: boolean) {
    super("iadvize", "graphql_error", `iAdvize ${operation}: GraphQL errors ${codes.join(", ") || "(no code)"}`, { retryable });
    this.operation = operation;
    this.codes = codes;
  }
}

// Error codes that say "try again later" rather than "this request is wrong".
const TRANSIENT_CODES = new Set(["INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT", "RATE_LIMITED"]);

/**
 * The `Type.field` (or type) names a GraphQL validation error says the live schema
 * lacks; undefined when the errors are not about the query's validity.
 */
function schemaMismatchPaths(errors: readonly { message?: unknown; extensions?: unknown }[]): string[] | undefined {
  const paths: string[] = [];
  let validation = false;
  for (const e of errors) {
    const message = typeof e.message === "string" ? e.message : "";
    const code = (e.extensions as { code?: unknown } | undefined)?.code;
    const field = /Cannot query field "(\w+)" on type "(\w+)"/.exec(message);
    const type = /Unknown type "(\w+)"/.exec(message);
    if (field) paths.push(`${field[2]}.${field[1]}`);
    else if (type?.[1]) paths.push(type[1]);
    if (field || type || code === "GRAPHQL_VALIDATION_FAILED") validation = true;
  }
  return validation ? paths : undefined;
}

function graphqlUrl(baseUrl: string, platform: Platform): string {
  return platform === "sd" ? `${baseUrl}/graphql?platform=sd` : `${baseUrl}/graphql`;
}

function isInvalidToken(status: number, body: string): boolean {
  return status === 401 || body.includes("invalid_token");
}

export class IadvizeClient {
  readonly #opts: IadvizeClientOptions;
  readonly #graphql: GraphQLClient;

  constructor(opts: IadvizeClientOptions) {
    this.#opts = opts;
    this.#graphql = new GraphQLClient(graphqlUrl(opts.baseUrl, opts.platform), { fetch: (input, init) => this.#fetch(input, init) });
  }

  /** The conversation with every page of its messages and its custom data; null if iAdvize does not know it. */
  async conversation(id: string): Promise<ConversationData | null> {
    const pageSize = this.#opts.pageSize ?? 100;
    const first = ConversationAnswer.parse(await this.#request("ConversationForCrm", (g) => g.request(ConversationForCrmDocument, { id, messagesFirst: pageSize })));
    if (!first.conversation) return null;
    const c = first.conversation;
    const messages = c.messages.edges.map((e) => toChatMessage(e.node));
    const seen = new Set<string>();
    let page: Page = c.messages;
    for (let pages = 1; page.pageInfo.hasNextPage; pages++) {
      const after = page.pageInfo.endCursor;
      if (!after || seen.has(after) || pages >= (this.#opts.maxPages ?? 1000)) {
        throw new UpstreamError("iadvize", "pagination_broken", "iAdvize pagination did not progress", { retryable: false });
      }
      seen.add(after);
      const next = MessagesAnswer.parse(await this.#request("ConversationMessages", (g) => g.request(ConversationMessagesDocument, { id, first: pageSize, after })));
      if (!next.conversation) throw new UpstreamError("iadvize", "conversation_vanished", "the conversation disappeared while paging", { retryable: true });
      page = next.conversation.messages;
      messages.push(...page.edges.map((e) => toChatMessage(e.node)));
    }
    return {
      id: c.id,
      createdAt: c.createdAt,
      closedAt: c.closedAt,
      channel: c.channel,
      language: c.language,
      visitor: c.visitor,
      customData: customDataRecord(first.visitorConversationCustomData?.customData ?? []),
      messages,
    };
  }

  async #request(operation: string, run: (client: GraphQLClient) => Promise<unknown>): Promise<unknown> {
    try {
      return await run(this.#graphql);
    } catch (err) {
      if (err instanceof UpstreamError) throw err;
      if (err instanceof ClientError) {
        const status = err.response.status;
        const codes = (err.response.errors ?? []).map((e) => String((e.extensions as { code?: unknown } | undefined)?.code ?? "")).filter(Boolean);
        const mismatch = schemaMismatchPaths(err.response.errors ?? []);
        if (mismatch) throw new ContractError("iadvize_schema_mismatch", mismatch, `iAdvize ${operation}: the live schema lacks ${mismatch.join(", ")}`);
        if (err.response.errors?.length) throw new IadvizeGraphQLError(operation, codes, codes.some((c) => TRANSIENT_CODES.has(c)));
        throw new UpstreamError("iadvize", status >= 500 ? "unavailable" : "rejected", `iAdvize ${operation} answered ${status}`, {
          retryable: status >= 500 || status === 429,
          status,
        });
      }
      throw new UpstreamError("iadvize", "bad_answer", `iAdvize ${operation}: unreadable answer`, { retryable: true });
    }
  }

  /** graphql-request's transport: authenticated, retried, with one fresh login on a refused token. */
  async #fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const body = typeof init?.body === "string" ? init.body : null;
    const send = async (token: string) => {
      const headers = new Headers(init?.headers);
      headers.set("authorization", `Bearer ${token}`);
      const outcome = await fetchWithRetry(this.#opts.retry, url, { method: "POST", headers, body }, this.#opts.retryPolicy ?? DEFAULT_RETRY);
      if (!outcome.ok) throw new UpstreamError("iadvize", "unreachable", `iAdvize GraphQL: ${outcome.reason}`, { retryable: true });
      return outcome.response;
    };
    const token = await this.#opts.token();
    const res = await send(token);
    if (res.status !== 401 && res.status !== 403) return res;
    const text = await res.text();
    if (!isInvalidToken(res.status, text)) return new Response(text, res);
    const fresh = await this.#opts.token(token);
    const retried = await send(fresh);
    if (retried.status === 401) {
      throw new UpstreamError("iadvize", "auth_failed", "iAdvize refused a freshly issued token", { retryable: true, status: 401 });
    }
    return retried;
  }
}
