// The provider a tenant chose, by its configuration.
import { aircallProvider } from "./aircall.ts";
import { genesysProvider } from "./genesys.ts";
import { talkdeskProvider } from "./talkdesk.ts";
import { twilioProvider } from "./twilio.ts";
import type { CallbackProvider, ProviderConfig } from "./types.ts";
import { webhookProvider } from "./webhook.ts";

export function providerFor(config: ProviderConfig): CallbackProvider {
  switch (config.type) {
    case "webhook":
      return webhookProvider(config);
    case "genesys":
      return genesysProvider(config);
    case "twilio":
      return twilioProvider(config);
    case "talkdesk":
      return talkdeskProvider(config);
    case "aircall":
      return aircallProvider(config);
  }
}

export { isIdempotent } from "./idempotence.ts";
