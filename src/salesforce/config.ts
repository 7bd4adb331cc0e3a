// The Salesforce part of a tenant's configuration: the org, how to log in, Lead
// defaults, and where each tagged answer goes. `secret` is how a secret is written
// (a value, or {"set": true} in the admin API).
import * as z from "zod";
import { STORED_RULES, endpointUrl } from "../lib/config-fields.ts";
import type { ConfigRules, HostRule } from "../lib/config-fields.ts";
import type { SecretValue } from "../secrets/values.ts";
import { importPrivateKey } from "./private-key.ts";

/**
 * A key that cannot sign is refused when the admin sends it. Async (WebCrypto), so only
 * on the admin's input: stored configurations are parsed synchronously and were checked
 * when saved.
 */
function withSigningKeyCheck<T extends z.ZodObject>(schema: T): T {
  return schema.superRefine(async (auth, ctx) => {
    const pem: unknown = Reflect.get(auth, "privateKey");
    if (typeof pem === "string" && !(await importPrivateKey(pem))) {
      ctx.addIssue({ code: "custom", path: ["privateKey"], message: "must be a PKCS#8 RSA private key in PEM (-----BEGIN PRIVATE KEY-----)" });
    }
  });
}

const SalesforceName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, "must be a Salesforce API name");

/** Where an org logs in: login, test, My Domain (production, sandbox, developer) hosts. */
const SALESFORCE_DOMAINS = ["salesforce.com", "force.com", "salesforce.mil"];
export const SALESFORCE_HOSTS: HostRule = {
  allows: (host) => SALESFORCE_DOMAINS.some((d) => host === d || host.endsWith(`.${d}`)),
  message: "must be a Salesforce host (login.salesforce.com, test.salesforce.com, <domain>.my.salesforce.com, …)",
};

export function salesforceConfig<S extends z.ZodType>(secret: S, rules: ConfigRules = STORED_RULES) {
  const jwtBearer = z
    .object({
      type: z.literal("jwt_bearer"),
      clientId: z.string().min(1).max(256),
      username: secret,
      privateKey: secret,
    })
    .strict();
  const salesforceAuth = z.discriminatedUnion("type", [
    z.object({ type: z.literal("client_credentials"), clientId: z.string().min(1).max(256), clientSecret: secret }).strict(),
    rules.strict ? withSigningKeyCheck(jwtBearer) : jwtBearer,
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
      /** The org's My Domain URL (or login URL): where the token is asked for. */
      loginUrl: endpointUrl(rules, SALESFORCE_HOSTS),
      auth: salesforceAuth,
      /** JWT bearer only: the assertion's `aud`. Absent: https://test.salesforce.com for a sandbox or scratch host, else https://login.salesforce.com. */
      audience: endpointUrl(rules).optional(),
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

/** A mapping source besides the question tags: the amount of the latest transaction attributed to the conversation. */
export const TRANSACTION_LATEST_AMOUNT = "transaction.latestAmount";

/** Each tagged question's answer (or the latest transaction's amount), sent to a field of the Lead or of the Conversation record. */
export function mappingConfig() {
  return z.record(
    z.string().regex(/^(Q[1-9]\d{0,2}|transaction\.latestAmount)$/, `keys are question tags (Q1, Q2, …) or ${TRANSACTION_LATEST_AMOUNT}`),
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
