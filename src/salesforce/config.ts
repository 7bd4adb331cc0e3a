// The Salesforce part of a tenant's configuration: the org, how to log in, Lead
// defaults, and where each tagged answer goes. `secret` is how a secret is written
// (a value, or {"set": true} in the admin API).
import * as z from "zod";
import { HttpUrl } from "../lib/config-fields.ts";
import type { SecretValue } from "../secrets/values.ts";

const SalesforceName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, "must be a Salesforce API name");

export function salesforceConfig<S extends z.ZodType>(secret: S) {
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

  return z
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
}

export type SalesforceConfig = z.infer<ReturnType<typeof salesforceConfig<typeof SecretValue>>>;

/** Each tagged question's answer, sent to a field of the Lead or of the Conversation record. */
export function mappingConfig() {
  return z.record(
    z.string().regex(/^Q[1-9]\d{0,2}$/, "keys are question tags: Q1, Q2, …"),
    z
      .object({
        object: z.enum(["Lead", "Conversation"]),
        field: SalesforceName,
        overwrite: z.boolean().default(false),
      })
      .strict(),
  );
}

/** Where its secrets sit in a tenant's configuration. */
export const SALESFORCE_SECRET_PATHS = [
  "salesforce.auth.clientSecret",
  "salesforce.auth.username",
  "salesforce.auth.privateKey",
  "salesforce.auth.refreshToken",
] as const;
