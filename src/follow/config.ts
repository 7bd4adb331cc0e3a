// The live follow-up part of a tenant's configuration: off unless the tenant turns it on.
import * as z from "zod";

export function followUpConfig() {
  return z
    .object({
      // Poll open conversations from v2.conversation.pushed until they close (README: what it costs).
      enabled: z.boolean().default(false),
    })
    .strict();
}

export type FollowUpConfig = z.infer<ReturnType<typeof followUpConfig>>;
