// One interface for every SMS provider: an SMS out, what became of it; and a reply in,
// verified and read the same way whatever the provider.
import type { TenantConfig } from "../../tenants/schema.ts";

export type SurveySettings = NonNullable<TenantConfig["surveys"]>;
export type SmsProviderConfig = SurveySettings["provider"];

export interface OutgoingSms {
  /** The outbox id: the provider's idempotency key where it has one. */
  id: string;
  sessionId: string | null;
  to: string;
  text: string;
}

export type SmsResult =
  | { kind: "sent"; reference: string | null }
  /** The customer unsubscribed at the provider (e.g. Twilio 21610). */
  | { kind: "opted_out"; code: string }
  /** This number cannot receive SMS. */
  | { kind: "number_refused"; code: string }
  /** Refused for another reason (credentials, account settings). */
  | { kind: "refused"; code: string }
  /** Nothing was sent: try again later. */
  | { kind: "transient"; code: string };

export interface SmsDeps {
  fetch: typeof fetch;
  signal: AbortSignal;
}

/** A customer's SMS as every provider gives it, once verified. */
export interface InboundSms {
  messageId: string;
  /** The customer's number, E.164. */
  from: string;
  /** The tenant's number or sender id. */
  to: string;
  text: string;
  /** The session, when the provider echoes the one the connector gave (an SMS session sub-number). */
  sessionId?: string | undefined;
  /** The provider handled an opt-out keyword itself (Twilio Advanced Opt-Out). */
  providerOptOut?: boolean;
}

export interface SmsProvider {
  readonly name: SmsProviderConfig["type"];
  send(sms: OutgoingSms, deps: SmsDeps): Promise<SmsResult>;
}
