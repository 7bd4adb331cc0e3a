// The chat-to-call check: the provider's credentials, tried without placing a call.
import { probeProvider } from "../escalation/providers/probe.ts";
import type { CheckDefinition } from "./types.ts";
import { failed, ok, skipped } from "./types.ts";

const provider: CheckDefinition = {
  id: "escalation.provider",
  async run(ctx) {
    const escalation = ctx.tenant.escalation;
    if (!escalation) return skipped("not_configured", "Chat-to-call is not configured for this tenant.");
    let result;
    // A connection dropped on the way is tried once more: a probe places no call, so repeating it is harmless.
    for (let attempt = 1; ; attempt++) {
      try {
        result = await probeProvider(escalation.provider, ctx.tenantId, ctx.fetch, ctx.signal);
        break;
      } catch (err) {
        if (err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError")) throw err;
        if (attempt < 2) continue;
        return failed("unreachable", `The ${escalation.provider.type} platform could not be reached.`, "Check the URLs in escalation.provider and that the platform accepts connections from Cloudflare Workers.");
      }
    }
    if (result.ok) return ok("credentials_accepted", `${escalation.provider.type}: ${result.detail}; no call was placed.`);
    return failed(result.code, `${escalation.provider.type}: ${result.detail}; no call was placed.`, `Check ${result.setting}.`);
  },
};

export const ESCALATION_CHECKS: readonly CheckDefinition[] = [provider];
