// The chat-to-call part of a tenant's configuration: the bots' key, the call-centre
// provider, countries, texts and limits. `secret` is how a secret is written (a value,
// or {"set": true} in the admin API).
import * as z from "zod";
import { plainKeys } from "../lib/plain-keys.ts";
import { STORED_RULES, endpointUrl } from "../lib/config-fields.ts";
import type { ConfigRules } from "../lib/config-fields.ts";
import { Country } from "../outreach/country.ts";
import type { SecretValue } from "../secrets/values.ts";

export function escalationConfig<S extends z.ZodType>(secret: S, rules: ConfigRules = STORED_RULES) {
  const HttpUrl = endpointUrl(rules);
  const provider = z.discriminatedUnion("type", [
    z
      .object({
        type: z.literal("webhook"),
        /** Any platform the customer runs: a signed JSON POST. */
        url: HttpUrl,
        secret,
      })
      .strict(),
    z
      .object({
        type: z.literal("genesys"),
        /** e.g. https://api.mypurecloud.de and https://login.mypurecloud.de */
        apiUrl: HttpUrl,
        loginUrl: HttpUrl,
        clientId: z.string().min(1).max(256),
        clientSecret: secret,
        queueId: z.string().min(1).max(128),
      })
      .strict(),
    z
      .object({
        type: z.literal("twilio"),
        apiUrl: HttpUrl.default("https://api.twilio.com"),
        accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must be a Twilio Account SID (AC…)"),
        authToken: secret,
        /** The caller id: a Twilio number of the account, E.164. */
        from: z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number"),
        /** What Twilio does once the visitor answers (connects to the call centre). */
        twimlUrl: HttpUrl,
      })
      .strict(),
    z
      .object({
        type: z.literal("talkdesk"),
        apiUrl: HttpUrl.default("https://api.talkdeskapp.com"),
        tokenUrl: HttpUrl,
        clientId: z.string().min(1).max(256),
        clientSecret: secret,
        talkdeskPhoneNumber: z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number"),
      })
      .strict(),
    z
      .object({
        type: z.literal("aircall"),
        apiUrl: HttpUrl.default("https://api.aircall.io"),
        apiId: z.string().min(1).max(256),
        apiToken: secret,
        userId: z.number().int().positive(),
        numberId: z.number().int().positive(),
      })
      .strict(),
  ]);

  const messageTexts = plainKeys(z.record(z.string().regex(/^[a-z_]+$/), z.string().min(1).max(500)));
  return z
    .object({
      /** The key in the API connection's URL; stored as a hash, never shown. */
      key: secret,
      provider,
      defaultCountry: Country,
      allowedCountries: z.array(Country).min(1).max(250),
      requireConsent: z.boolean().default(false),
      language: z.enum(["fr", "en"]).default("fr"),
      /** Texts for the visitor, per language and outcome, replacing the defaults. */
      messages: z.object({ fr: messageTexts.optional(), en: messageTexts.optional() }).strict().default({}),
      perNumberPerDay: z.number().int().min(1).max(100).default(3),
      perTenantPerMinute: z.number().int().min(1).max(10_000).default(30),
      idempotencyMinutes: z.number().int().min(1).max(1440).default(30),
    })
    .strict();
}

export type EscalationConfig = z.infer<ReturnType<typeof escalationConfig<typeof SecretValue>>>;

/** Where its secrets sit in a tenant's configuration. */
export const ESCALATION_SECRET_PATHS = [
  "escalation.key",
  "escalation.provider.secret",
  "escalation.provider.clientSecret",
  "escalation.provider.authToken",
  "escalation.provider.apiToken",
] as const;
