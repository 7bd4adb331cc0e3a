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
      /** My Domain or login URL; also the JWT audience. */
      loginUrl: HttpUrl,
      auth: salesforceAuth,
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

  return z
    .object({
      name: z.string().min(1).max(200).optional(),
      iadvize: iadvize.optional(),
      salesforce: salesforce.optional(),
      mapping: mapping.default({}),
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
] as const;
export type SecretPath = (typeof SECRET_PATHS)[number];
