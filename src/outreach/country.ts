// A country in a tenant's phone settings: one libphonenumber-js knows, so that numbers can be read in it.
import * as z from "zod";
import { isSupportedCountry } from "libphonenumber-js/max";

export const Country = z
  .string()
  .regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 code, e.g. FR")
  .refine((code) => isSupportedCountry(code), "not a country whose phone numbers are known (ISO 3166-1 alpha-2, e.g. FR)");
