// The call-to-messaging part of a tenant's configuration: the IVR's key, the messaging
// provider, the channel precedence, notify or start by default, countries, texts, limits
// and how long a later conversation is linked back to the call.
import * as z from "zod";
import { plainKeys } from "../lib/plain-keys.ts";
import { STORED_RULES, endpointUrl } from "../lib/config-fields.ts";
import type { ConfigRules } from "../lib/config-fields.ts";
import { Country } from "../outreach/country.ts";
import { MIN_KEY_LENGTH } from "../outreach/keys.ts";
import type { SecretValue } from "../secrets/values.ts";

const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number");

/** The messaging channels, named as Quiq's precedence names them. */
export const PLATFORMS = ["AppleMessages", "GoogleMessages", "WhatsApp", "SMS"] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Channels that need the caller's opt-in (SMS and WhatsApp rules); Apple and Google reach only people who wrote first. */
export const OPT_IN_CHANNELS: ReadonlySet<Platform> = new Set(["WhatsApp", "SMS"]);

export const MODES = ["notify", "start"] as const;
export type Mode = (typeof MODES)[number];

/** Secret paths of this slice, for tenants/schema.ts. */
export const DEFLECTION_SECRET_PATHS = ["deflection.key", "deflection.provider.apiSecret", "deflection.provider.authToken", "deflection.provider.secret"] as const;

const Texts = z
  .object({
    /** Sent by notify: the conversation opens when the customer answers. */
    notify: z.string().min(1).max(1000).optional(),
    /** Sent by start, as the system message. */
    system: z.string().min(1).max(1000).optional(),
    /** start's imported customer message, for the agent only; {reason} and {topic} are replaced. */
    imported: z.string().min(1).max(1000).optional(),
  })
  .strict();
const Prompts = plainKeys(z.record(z.string().regex(/^[a-z_]+$/), z.string().min(1).max(300)));

export function deflectionConfig<S extends z.ZodType>(secret: S, rules: ConfigRules = STORED_RULES) {
  const HttpUrl = endpointUrl(rules);
  const key = secret.refine((v) => typeof v !== "string" || v.length >= MIN_KEY_LENGTH, `must be at least ${MIN_KEY_LENGTH} random characters`);
  const provider = z.discriminatedUnion("type", [
    z
      .object({
        type: z.literal("quiq"),
        /** The Quiq site, https://<tenant>.goquiq.com */
        apiUrl: HttpUrl,
        /** A bot user's API key and secret (Admin > Bots > Custom Bot > New API Key). */
        apiKey: z.string().min(1).max(256),
        apiSecret: secret,
        contactPoint: z.string().min(1).max(128).default("default"),
      })
      .strict(),
    z
      .object({
        type: z.literal("twilio"),
        apiUrl: HttpUrl.default("https://api.twilio.com"),
        accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must be a Twilio Account SID (AC…)"),
        authToken: secret,
        /** The SMS sender: a Twilio number of the account. */
        from: E164,
        /** WhatsApp: the approved sender and template (a business opens a WhatsApp conversation only with a template). */
        whatsapp: z
          .object({
            from: E164,
            contentSid: z.string().regex(/^HX[0-9a-fA-F]{32}$/, "must be a Twilio Content SID (HX…) of an approved template"),
            /** Template placeholder → what fills it. */
            variables: plainKeys(z.record(z.string().regex(/^\w{1,20}$/), z.enum(["reason", "topic", "deflectionId"]))).default({}),
          })
          .strict()
          .optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal("genesys-dms"),
        /** The customer's own gateway that runs InviteToChat in their Genesys platform (see providers/genesys-dms.ts). */
        url: HttpUrl,
        secret,
        /** _umsClientId and _umsBusinessId of the HUB configuration. */
        clientId: z.string().min(1).max(128),
        businessId: z.string().min(1).max(128),
        /** Platform → DMS channel name (_umsChannel), e.g. {"WhatsApp": "WA-acme"}; only these platforms are tried. */
        channels: z.partialRecord(z.enum(PLATFORMS), z.string().min(1).max(128)),
        standardResponseId: z.string().min(1).max(128).optional(),
        /** Where start's outbound interactions are queued (<tenant-id>:<Chat Server endpoint>). */
        chatQueueKey: z.string().min(1).max(256).optional(),
        /** Where notify's sessions go to be ended (TerminateSessionFlag); chatQueueKey when absent. */
        notifyQueueKey: z.string().min(1).max(256).optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal("webhook"),
        url: HttpUrl,
        secret,
      })
      .strict(),
  ]);

  return z
    .object({
      /** The key in the IVR's request URL; stored as a hash, never shown. */
      key,
      provider,
      /** First channel on which the provider can reach the number wins. */
      channels: z
        .array(z.object({ platform: z.enum(PLATFORMS), tenantHandle: z.string().min(1).max(256).optional() }).strict())
        .min(1)
        .max(4)
        .refine((list) => new Set(list.map((c) => c.platform)).size === list.length, "a platform may appear once")
        .default([{ platform: "SMS" }]),
      mode: z.enum(MODES).default("notify"),
      /** The IVR's patience: past it the answer is `pending` and the message goes on in the background. */
      deadlineMs: z.number().int().min(500).max(10_000).default(3000),
      defaultCountry: Country,
      allowedCountries: z.array(Country).min(1).max(250),
      language: z.enum(["fr", "en"]).default("en"),
      /** What the customer receives, per language, replacing the defaults. */
      texts: z.object({ fr: Texts.optional(), en: Texts.optional() }).strict().default({}),
      /** What the IVR reads out, per language and answer, replacing the defaults. */
      prompts: z.object({ fr: Prompts.optional(), en: Prompts.optional() }).strict().default({}),
      perNumberPerDay: z.number().int().min(1).max(100).default(3),
      perTenantPerMinute: z.number().int().min(1).max(10_000).default(60),
      /** A messaging conversation from the number within this many hours shows on the CRM as started from the IVR. */
      linkHours: z.number().int().min(1).max(168).default(24),
    })
    .strict()
    .superRefine((s, ctx) => {
      if (!s.allowedCountries.includes(s.defaultCountry)) ctx.addIssue({ code: "custom", path: ["allowedCountries"], message: "must include defaultCountry" });
    });
}

export type DeflectionConfig = z.infer<ReturnType<typeof deflectionConfig<typeof SecretValue>>>;
export type DeflectionProviderConfig = DeflectionConfig["provider"];
