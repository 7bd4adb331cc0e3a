// The `surveys` slice of a tenant's configuration: the send key, the SMS provider, the
// phone rules, expiry, retention, the triggers, and the survey definitions.
import * as z from "zod";
import { STORED_RULES, endpointUrl } from "../lib/config-fields.ts";
import type { ConfigRules } from "../lib/config-fields.ts";
import { MIN_KEY_LENGTH } from "../outreach/keys.ts";
import { Survey } from "./definition.ts";

const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number");

/** Secret paths of this slice, for tenants/schema.ts. */
export const SURVEY_SECRET_PATHS = ["surveys.key", "surveys.provider.authToken", "surveys.provider.secret"] as const;

export function surveysConfig<S extends z.ZodType>(secret: S, rules: ConfigRules = STORED_RULES) {
  // https on a public host, as every provider URL (the emulators only where ALLOW_TEST_ORIGINS lists them).
  const HttpUrl = endpointUrl(rules);
  const key = secret.refine((v) => typeof v !== "string" || v.length >= MIN_KEY_LENGTH, `must be at least ${MIN_KEY_LENGTH} random characters`);
  const provider = z.discriminatedUnion("type", [
    z
      .object({
        type: z.literal("twilio"),
        apiUrl: HttpUrl.default("https://api.twilio.com"),
        accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must be a Twilio Account SID (AC…)"),
        authToken: secret,
        /** The tenant's Twilio number: surveys are sent from it and replies arrive on it. */
        from: E164,
      })
      .strict(),
    z
      .object({
        type: z.literal("webhook"),
        /** Where the connector POSTs each SMS to send (signed JSON). */
        url: HttpUrl,
        secret,
        /** The sender number or id the platform sends from: its inbound messages carry it as `to`. */
        from: z.string().min(3).max(32),
      })
      .strict(),
  ]);
  const trigger = z.object({ surveyId: z.string(), delayMinutes: z.number().int().min(0).max(720).default(0) }).strict();
  return z
    .object({
      /** The key of POST /surveys/send (Authorization: Bearer); stored as a hash, never shown. */
      key,
      provider,
      defaultCountry: z.string().regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 code, e.g. FR"),
      allowedCountries: z.array(z.string().regex(/^[A-Z]{2}$/)).min(1).max(250),
      /** When a send gives no expiryTime; above 24 h the send answer warns. */
      defaultExpiryHours: z.number().int().min(1).max(720).default(72),
      /** After this, a session's number and personal variables are dropped; the answers stay. */
      retentionDays: z.number().int().min(1).max(3650).default(120),
      /** Surveys sent to one number in 24 h, at most. */
      perNumberPerDay: z.number().int().min(1).max(20).default(2),
      /** Invalid replies to one question, at most: the last one ends the session ('abandoned') without another SMS. */
      maxInvalidReplies: z.number().int().min(1).max(10).default(3),
      /** "No survey found" / "survey unavailable" notices the tenant sends in 24 h, at most (each number gets 3 at most). */
      noticesPerDay: z.number().int().min(0).max(10_000).default(100),
      triggers: z
        .object({
          /** After a chat-to-call escalation whose callback was scheduled. */
          afterCallback: trigger.optional(),
          /** After a closed conversation whose visitor gave a mobile number and consent. */
          afterConversation: trigger
            .extend({
              /** The custom data key holding the visitor's consent (true, "yes", "oui", 1). */
              consentKey: z.string().min(1).max(100).default("cust_sms_consent"),
            })
            .strict()
            .optional(),
        })
        .strict()
        .default({}),
      definitions: z.array(Survey).min(1).max(50),
    })
    .strict()
    .superRefine((s, ctx) => {
      const ids = new Set(s.definitions.map((d) => d.id));
      if (ids.size !== s.definitions.length) ctx.addIssue({ code: "custom", path: ["definitions"], message: "survey ids must be unique" });
      for (const name of ["afterCallback", "afterConversation"] as const) {
        const t = s.triggers[name];
        if (t && !ids.has(t.surveyId)) ctx.addIssue({ code: "custom", path: ["triggers", name, "surveyId"], message: "no survey has this id" });
      }
      if (!s.allowedCountries.includes(s.defaultCountry)) ctx.addIssue({ code: "custom", path: ["allowedCountries"], message: "must include defaultCountry" });
    });
}
