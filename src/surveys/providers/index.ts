// The SMS provider of a tenant's survey settings.
import type { SmsProvider, SmsProviderConfig } from "./types.ts";
import { twilioSms } from "./twilio.ts";
import { webhookSms } from "./webhook.ts";

export function smsProviderFor(config: SmsProviderConfig): SmsProvider {
  switch (config.type) {
    case "twilio":
      return twilioSms(config);
    case "webhook":
      return webhookSms(config);
  }
}
