// A secret in a tenant's configuration, as the admin API takes it and as the app uses it.
import * as z from "zod";

/** A secret as the admin API takes it: a new value, or `{"set": true}` to keep the stored one. */
export const SecretInput = z.union([z.string().min(1).max(20_000), z.object({ set: z.literal(true) }).strict()]);
export const SecretValue = z.string().min(1).max(20_000);
