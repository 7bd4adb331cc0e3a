// One interface for every messaging platform: a caller to move to messaging in, what
// became of it out (sent on a channel, reachable on none, or a failure every provider
// names alike, outreach/http.ts).
import type { Failure, HttpDeps } from "../../outreach/http.ts";
import type { DeflectionProviderConfig, Mode, Platform } from "../config.ts";
import type { MessageTexts } from "../texts.ts";

export type ProviderConfig = DeflectionProviderConfig;

export interface MessageRequest {
  deflectionId: string;
  tenantId: string;
  /** E.164 */
  phone: string;
  mode: Mode;
  /** In the tenant's order: the first the provider reaches the number on wins. */
  channels: readonly { platform: Platform; tenantHandle?: string | undefined }[];
  texts: MessageTexts;
  reason?: string | undefined;
  topic?: string | undefined;
  language: string;
  conversationFields: Record<string, string | number | boolean>;
  customerFields: Record<string, string | number | boolean>;
}

export type ProviderResult =
  | { kind: "sent"; channel: Platform | null; reference: string | null }
  /** The platform reaches the number on none of the channels tried. */
  | { kind: "unreachable"; code: string }
  | Failure;

/** No messaging platform here logs in with OAuth: fetch and the deadline's signal. */
export type ProviderDeps = Pick<HttpDeps, "fetch" | "signal">;

export interface MessagingProvider {
  readonly name: ProviderConfig["type"];
  /** True when the platform recognises a repeated request (so an ambiguous one may be sent again). */
  readonly idempotent: boolean;
  send(req: MessageRequest, deps: ProviderDeps): Promise<ProviderResult>;
}
