// The iAdvize GraphQL client: typed documents executed by graphql-request, a shared
// token with one fresh login on `invalid_token`, retries on network errors, 5xx and
// timeouts, and GraphQL errors turned into typed errors naming the operation. A query the
// live schema refuses is a contract surprise (ContractError with the missing paths), not
// a conversation's failure.
import { buildClientSchema, getIntrospectionQuery } from "graphql";
import type { DocumentNode, IntrospectionQuery } from "graphql";
import { ClientError, GraphQLClient } from "graphql-request";
import { ContractError } from "../lib/contract-error.ts";
import { fetchWithRetry } from "../lib/retry.ts";
import type { RetryDeps, RetryPolicy } from "../lib/retry.ts";
import { DEFAULT_RETRY } from "../lib/retry.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import type { Platform } from "../events/schema.ts";
import { ConversationAnswer, MessagesAnswer, customDataRecord, readMessages } from "./conversation.ts";
import type { ConversationData, Page, UnknownMessages } from "./conversation.ts";
import type { ChatMessage } from "../qualification/messages.ts";
import { ClosedConversationsPageDocument, ConversationForCrmDocument, ConversationMessagesDocument } from "./generated/graphql.ts";
import { closedConversationsVariables } from "./assumptions.ts";
import { ClosedPageAnswer } from "./closed-conversations.ts";
import type { ClosedPage } from "./closed-conversations.ts";
import { IntrospectionData } from "./introspect.ts";
import { mismatchPaths, pathsFromMessages } from "./schema-mismatch.ts";

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
// The code Apollo-style servers give to a document the schema does not validate.
const VALIDATION_CODE = "GRAPHQL_VALIDATION_FAILED";

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
    return (await this.conversationAfter(id, null))?.data ?? null;
  }

  /**
   * The conversation with only its messages after the cursor `after` (every message when
   * null), and the cursor of the last message read (`after` again when none is new).
   */
  async conversationAfter(id: string, after: string | null): Promise<{ data: ConversationData; cursor: string | null } | null> {
    const pageSize = this.#opts.pageSize ?? 100;
    const first = ConversationAnswer.parse(
      await this.#request("ConversationForCrm", ConversationForCrmDocument, (g) =>
        g.request(ConversationForCrmDocument, { id, messagesFirst: pageSize, messagesAfter: after }),
      ),
    );
    if (!first.conversation) return null;
    const c = first.conversation;
    const read: { messages: ChatMessage[]; unknown: UnknownMessages } = { messages: [], unknown: { count: 0, types: [] } };
    readMessages(c.messages.edges.map((e) => e.node), read);
    const seen = new Set<string>();
    let page: Page = c.messages;
    let cursor = page.pageInfo.endCursor ?? after;
    for (let pages = 1; page.pageInfo.hasNextPage; pages++) {
      const next = page.pageInfo.endCursor;
      if (!next || seen.has(next) || pages >= (this.#opts.maxPages ?? 1000)) {
        throw new UpstreamError("iadvize", "pagination_broken", "iAdvize pagination did not progress", { retryable: false });
      }
      seen.add(next);
      const answer = MessagesAnswer.parse(
        await this.#request("ConversationMessages", ConversationMessagesDocument, (g) => g.request(ConversationMessagesDocument, { id, first: pageSize, after: next })),
      );
      if (!answer.conversation) throw new UpstreamError("iadvize", "conversation_vanished", "the conversation disappeared while paging", { retryable: true });
      page = answer.conversation.messages;
      cursor = page.pageInfo.endCursor ?? cursor;
      readMessages(page.edges.map((e) => e.node), read);
    }
    const data: ConversationData = {
      id: c.id,
      createdAt: c.createdAt,
      closedAt: c.closedAt,
      channel: c.channel,
      language: c.language,
      visitor: c.visitor,
      customData: customDataRecord(first.visitorConversationCustomData?.customData ?? []),
      messages: read.messages,
      unknownMessages: read.unknown,
    };
    return { data, cursor };
  }

  /** One page of the project's conversations closed within `window` (the backfill's read). */
  async closedConversations(projectId: number, window: { from: Date; to: Date }, after: string | null): Promise<ClosedPage> {
    const variables = closedConversationsVariables(projectId, window, after);
    const answer = ClosedPageAnswer.parse(
      await this.#request("ClosedConversationsPage", ClosedConversationsPageDocument, (g) => g.request(ClosedConversationsPageDocument, variables)),
    );
    const page = answer.closedConversations;
    return { conversations: page.edges.map((e) => e.node), hasNextPage: page.pageInfo.hasNextPage, endCursor: page.pageInfo.endCursor };
  }

  /** The live schema, introspected with the tenant's token. */
  async liveSchema() {
    const answer = IntrospectionData.parse(await this.#request("IntrospectionQuery", undefined, (g) => g.request(getIntrospectionQuery())));
    return buildClientSchema(answer as unknown as IntrospectionQuery);
  }

  /**
   * The paths of `document` the live schema lacks: named by iAdvize's validation messages,
   * else found by validating the document against the introspected schema.
   */
  async #mismatch(messages: readonly string[], document: DocumentNode): Promise<string[]> {
    const named = pathsFromMessages(messages);
    if (named.length > 0) return named;
    try {
      return mismatchPaths(await this.liveSchema(), document);
    } catch {
      return [];
    }
  }

  async #request(operation: string, document: DocumentNode | undefined, run: (client: GraphQLClient) => Promise<unknown>): Promise<unknown> {
    try {
      return await run(this.#graphql);
    } catch (err) {
      if (err instanceof UpstreamError) throw err;
      if (err instanceof ClientError) {
        const status = err.response.status;
        const errors = err.response.errors ?? [];
        const codes = errors.map((e) => String((e.extensions as { code?: unknown } | undefined)?.code ?? "")).filter(Boolean);
        const messages = errors.map((e) => String(e.message));
        if (document && (codes.includes(VALIDATION_CODE) || pathsFromMessages(messages).length > 0)) {
          const paths = await this.#mismatch(messages, document);
          throw new ContractError("iadvize_schema_mismatch", paths, `iAdvize refused ${operation}: the live schema lacks ${paths.join(", ") || "a part of it"}`);
        }
        if (errors.length) throw new IadvizeGraphQLError(operation, codes, codes.some((c) => TRANSIENT_CODES.has(c)));
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
