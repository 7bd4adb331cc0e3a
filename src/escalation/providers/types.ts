// One interface for every call-centre platform: a callback request in, what became of it out.
import type { EscalationConfig } from "../config.ts";
import type { Language } from "../messages.ts";

export type ProviderConfig = EscalationConfig["provider"];

export interface CallbackRequest {
  escalationId: string;
  tenantId: string;
  /** E.164 */
  phone: string;
  visitorName?: string | undefined;
  reason?: string | undefined;
  preferredTime?: string | undefined;
  language: Language;
  conversationId?: string | undefined;
}

export type ProviderResult =
  | { kind: "scheduled"; reference: string | null }
  /** The platform says it cannot call this number: the visitor can give another. */
  | { kind: "number_refused"; code: string }
  /** The platform refuses for another reason (its configuration, closed queue, credentials). */
  | { kind: "refused"; code: string }
  /** Nothing happened on the platform's side: safe to try again. */
  | { kind: "transient"; code: string }
  /** No answer in time after the request was sent: the callback may or may not exist. */
  | { kind: "ambiguous"; code: string };

export interface ProviderDeps {
  fetch: typeof fetch;
  signal: AbortSignal;
  /** An OAuth token of the platform, from the shared cache; `rejected` is one just refused. */
  token: (login: () => Promise<{ token: string; expiresInSec: number }>, rejected?: string) => Promise<string>;
}

export interface CallbackProvider {
  readonly name: ProviderConfig["type"];
  /** True when the platform recognises a repeated request (so an ambiguous one may be sent again). */
  readonly idempotent: boolean;
  request(req: CallbackRequest, deps: ProviderDeps): Promise<ProviderResult>;
}
