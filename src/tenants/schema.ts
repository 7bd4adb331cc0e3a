// A tenant's configuration, composed from each integration's slice, written once for
// both directions: as an admin sends it (a secret is its value, or {"set": true} to keep
// the stored one) and as the app uses it.
import * as z from "zod";
import { DEFLECTION_SECRET_PATHS, deflectionConfig } from "../deflection/config.ts";
import { budgetConfig } from "../budget/config.ts";
import { ESCALATION_SECRET_PATHS, escalationConfig } from "../escalation/config.ts";
import { followUpConfig } from "../follow/config.ts";
import { IADVIZE_SECRET_PATHS, iadvizeConfig } from "../iadvize/config.ts";
import { SALESFORCE_SECRET_PATHS, mappingConfig, salesforceConfig } from "../salesforce/config.ts";
import { STORED_RULES } from "../lib/config-fields.ts";
import type { ConfigRules } from "../lib/config-fields.ts";
import { SecretInput, SecretValue } from "../secrets/values.ts";
import { SURVEY_SECRET_PATHS, surveysConfig } from "../surveys/config.ts";

/** `{platform}-{projectId}` exactly as events name it: a positive project id, no leading zero. */
export const TenantId = z
  .string()
  .regex(/^(ha|sd)-[1-9]\d{0,15}$/, "a tenant id is the platform and project id, e.g. ha-123")
  .refine((id) => Number(id.slice(3)) <= Number.MAX_SAFE_INTEGER, "the project id is too large");

function sections<S extends z.ZodType>(secret: S, rules: ConfigRules) {
  return z
    .object({
      name: z.string().min(1).max(200).optional(),
      iadvize: iadvizeConfig(secret).optional(),
      salesforce: salesforceConfig(secret, rules).optional(),
      mapping: mappingConfig().default({}),
      escalation: escalationConfig(secret, rules).optional(),
      surveys: surveysConfig(secret, rules).optional(),
      deflection: deflectionConfig(secret, rules).optional(),
      budget: budgetConfig().optional(),
      followUp: followUpConfig().optional(),
    })
    .strict();
}

/**
 * A tenant as an admin (or the setup console) sends it, checked strictly. It must be
 * able to do something: read conversations (iadvize; without salesforce yet it is an
 * install in progress whose conversations wait for Salesforce, and the free checks
 * warn), take callbacks (escalation) or send SMS surveys (surveys).
 */
export function tenantInput(rules: Omit<ConfigRules, "strict">) {
  return sections(SecretInput, { ...rules, strict: true }).superRefine((tenant, ctx) => {
    if (tenant.escalation || tenant.surveys || tenant.deflection || tenant.iadvize) return;
    ctx.addIssue({
      code: "custom",
      path: tenant.salesforce ? ["iadvize"] : [],
      message: "a tenant needs iadvize (to sync conversations, with salesforce), or escalation (chat-to-call), or surveys (SMS surveys), or deflection (call to messaging), or several",
    });
  });
}
export type TenantInput = z.infer<ReturnType<typeof tenantInput>>;

export const TenantConfig = sections(SecretValue, STORED_RULES);
export type TenantConfig = z.infer<typeof TenantConfig>;

/** Where secrets sit in a configuration; they are stored encrypted and never shown. */
export const SECRET_PATHS = [...IADVIZE_SECRET_PATHS, ...SALESFORCE_SECRET_PATHS, ...ESCALATION_SECRET_PATHS, ...SURVEY_SECRET_PATHS, ...DEFLECTION_SECRET_PATHS] as const;
export type SecretPath = (typeof SECRET_PATHS)[number];
