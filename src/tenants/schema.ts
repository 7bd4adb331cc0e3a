// A tenant's configuration, written once for both directions: as an admin sends it
// (a secret is its value, or {"set": true} to keep the stored one) and as the app uses it.
import * as z from "zod";

export const TenantId = z.string().regex(/^(ha|sd)-\d{1,18}$/, "a tenant id is the platform and project id, e.g. ha-123");

/** A secret as the admin API takes it: a new value, or `{"set": true}` to keep the stored one. */
export const SecretInput = z.union([z.string().min(1).max(20_000), z.object({ set: z.literal(true) }).strict()]);
export const SecretValue = z.string().min(1).max(20_000);

const HttpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const SalesforceName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, "must be a Salesforce API name");

function sections<S extends z.ZodType>(secret: S) {
  const iadvize = z
    .object({
      // The iAdvize API user: an email, so it is kept with the secrets and never shown.
      username: secret,
      password: secret,
    })
    .strict();

  const salesforceAuth = z.discriminatedUnion("type", [
    z.object({ type: z.literal("client_credentials"), clientId: z.string().min(1).max(256), clientSecret: secret }).strict(),
    z
      .object({
        type: z.literal("jwt_bearer"),
        clientId: z.string().min(1).max(256),
        username: secret,
        privateKey: secret,
      })
      .strict(),
    z
      .object({
        type: z.literal("refresh_token"),
        clientId: z.string().min(1).max(256),
        clientSecret: secret.optional(),
        refreshToken: secret,
      })
      .strict(),
  ]);

  const salesforce = z
    .object({
      /** The org's My Domain URL (or login URL): where the token is asked for. */
      loginUrl: HttpUrl,
      auth: salesforceAuth,
      /** JWT bearer only: the assertion's `aud`. Absent: https://test.salesforce.com for a sandbox or scratch host, else https://login.salesforce.com. */
      audience: HttpUrl.optional(),
      leadSource: z.string().min(1).max(255).default("iAdvize"),
      /** An AssignmentRule id for new Leads; the org's active rule when absent. */
      assignmentRuleId: z.string().regex(/^01Q[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/, "must be an AssignmentRule id (01Q…)").optional(),
      /** Salesforce requires LastName and Company on a Lead: used when the visitor gave none. */
      fallbackLastName: z.string().min(1).max(80).default("Unknown"),
      fallbackCompany: z.string().min(1).max(255).default("[not provided]"),
      /** By default a visitor with neither email nor phone gets no Lead (the conversation is still written). */
      createLeadWithoutContact: z.boolean().default(false),
    })
    .strict();

  const mapping = z.record(
    z.string().regex(/^Q[1-9]\d{0,2}$/, "keys are question tags: Q1, Q2, …"),
    z
      .object({
        object: z.enum(["Lead", "Conversation"]),
        field: SalesforceName,
        overwrite: z.boolean().default(false),
      })
      .strict(),
  );

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

  const messageTexts = z.record(z.string().regex(/^[a-z_]+$/), z.string().min(1).max(500));
  const escalation = z
    .object({
      /** The key in the API connection's URL; stored as a hash, never shown. */
      key: secret,
      provider,
      defaultCountry: z.string().regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 code, e.g. FR"),
      allowedCountries: z.array(z.string().regex(/^[A-Z]{2}$/)).min(1).max(250),
      requireConsent: z.boolean().default(false),
      language: z.enum(["fr", "en"]).default("fr"),
      /** Texts for the visitor, per language and outcome, replacing the defaults. */
      messages: z.object({ fr: messageTexts.optional(), en: messageTexts.optional() }).strict().default({}),
      perNumberPerDay: z.number().int().min(1).max(100).default(3),
      perTenantPerMinute: z.number().int().min(1).max(10_000).default(30),
      idempotencyMinutes: z.number().int().min(1).max(1440).default(30),
    })
    .strict();

  return z
    .object({
      name: z.string().min(1).max(200).optional(),
      iadvize: iadvize.optional(),
      salesforce: salesforce.optional(),
      mapping: mapping.default({}),
      escalation: escalation.optional(),
    })
    .strict();
}

export const TenantInput = sections(SecretInput);
export type TenantInput = z.infer<typeof TenantInput>;

export const TenantConfig = sections(SecretValue);
export type TenantConfig = z.infer<typeof TenantConfig>;

/** Where secrets sit in a configuration; they are stored encrypted and never shown. */
export const SECRET_PATHS = [
  "iadvize.username",
  "iadvize.password",
  "salesforce.auth.clientSecret",
  "salesforce.auth.username",
  "salesforce.auth.privateKey",
  "salesforce.auth.refreshToken",
  "escalation.key",
  "escalation.provider.secret",
  "escalation.provider.clientSecret",
  "escalation.provider.authToken",
  "escalation.provider.apiToken",
] as const;
export type SecretPath = (typeof SECRET_PATHS)[number];
