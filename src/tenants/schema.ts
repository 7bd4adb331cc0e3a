// A tenant's configuration, composed from each integration's slice, written once for
// both directions: as an admin sends it (a secret is its value, or {"set": true} to keep
// the stored one) and as the app uses it.
import * as z from "zod";
import { ESCALATION_SECRET_PATHS, escalationConfig } from "../escalation/config.ts";
import { IADVIZE_SECRET_PATHS, iadvizeConfig } from "../iadvize/config.ts";
import { SALESFORCE_SECRET_PATHS, mappingConfig, salesforceConfig } from "../salesforce/config.ts";
import { SecretInput, SecretValue } from "../secrets/values.ts";

export const TenantId = z.string().regex(/^(ha|sd)-\d{1,18}$/, "a tenant id is the platform and project id, e.g. ha-123");

function sections<S extends z.ZodType>(secret: S) {
  return z
    .object({
      name: z.string().min(1).max(200).optional(),
      iadvize: iadvizeConfig(secret).optional(),
      salesforce: salesforceConfig(secret).optional(),
      mapping: mappingConfig().default({}),
      escalation: escalationConfig(secret).optional(),
    })
    .strict();
}

export const TenantInput = sections(SecretInput);
export type TenantInput = z.infer<typeof TenantInput>;

export const TenantConfig = sections(SecretValue);
export type TenantConfig = z.infer<typeof TenantConfig>;

/** Where secrets sit in a configuration; they are stored encrypted and never shown. */
export const SECRET_PATHS = [...IADVIZE_SECRET_PATHS, ...SALESFORCE_SECRET_PATHS, ...ESCALATION_SECRET_PATHS] as const;
export type SecretPath = (typeof SECRET_PATHS)[number];
