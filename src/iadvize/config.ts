// The iAdvize part of a tenant's configuration: its API user. `secret` is how a secret
// is written (a value, or {"set": true} in the admin API).
import * as z from "zod";
import type { SecretValue } from "../secrets/values.ts";

export function iadvizeConfig<S extends z.ZodType>(secret: S) {
  return z
    .object({
      // The iAdvize API user: an email, so it is kept with the secrets and never shown.
      username: secret,
      password: secret,
    })
    .strict();
}

export type IadvizeConfig = z.infer<ReturnType<typeof iadvizeConfig<typeof SecretValue>>>;

/** Where its secrets sit in a tenant's configuration. */
export const IADVIZE_SECRET_PATHS = ["iadvize.username", "iadvize.password"] as const;
