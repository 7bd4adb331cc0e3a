// The messaging provider a tenant chose, by its configuration.
import { genesysDmsProvider } from "./genesys-dms.ts";
import { quiqProvider } from "./quiq.ts";
import { twilioProvider } from "./twilio.ts";
import type { MessagingProvider, ProviderConfig } from "./types.ts";
import { webhookProvider } from "./webhook.ts";

export function providerFor(config: ProviderConfig): MessagingProvider {
  switch (config.type) {
    case "quiq":
      return quiqProvider(config);
    case "twilio":
      return twilioProvider(config);
    case "genesys-dms":
      return genesysDmsProvider(config);
    case "webhook":
      return webhookProvider(config);
  }
}

/** Providers that recognise a repeated request (their Idempotency-Key): a lost attempt is sent again only to them. */
export function isIdempotent(type: string): boolean {
  return type === "webhook" || type === "genesys-dms";
}
