// One interface for every call-centre platform: a callback request in, what became of it out.
import type { EscalationConfig } from "../config.ts";
import type { Failure, HttpDeps } from "../../outreach/http.ts";
import type { Language } from "../messages.ts";

export type ProviderConfig = EscalationConfig["provider"];

export interface CallbackRequest {
  escalationId: string;
  tenantId: string;
  /** E.164 */
  phone: string;
  /** Digits to dial once the line answers, when the number has an extension. */
  extension?: string | undefined;
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
  /** Refused for another reason, an outage, or no answer in time (see outreach/http.ts). */
  | Failure;

export type ProviderDeps = HttpDeps;

export interface CallbackProvider {
  readonly name: ProviderConfig["type"];
  /** True when the platform recognises a repeated request (so an ambiguous one may be sent again). */
  readonly idempotent: boolean;
  /** True when the platform can dial an extension; otherwise a number with one is refused before any call. */
  readonly extensions: boolean;
  request(req: CallbackRequest, deps: ProviderDeps): Promise<ProviderResult>;
}
