// The escalation providers' shared HTTP answers (outages, refused credentials) and send
// failures, as SMS results.
import type { ProviderResult } from "../../escalation/providers/types.ts";
import type { SmsResult } from "./types.ts";

export function asSmsResult(r: ProviderResult): SmsResult {
  switch (r.kind) {
    case "scheduled":
      return { kind: "sent", reference: r.reference };
    case "transient":
    case "ambiguous":
      // A timeout may have sent it: sent again, the customer may get an SMS twice, never none.
      return { kind: "transient", code: r.code };
    case "number_refused":
    case "refused":
      return { kind: r.kind, code: r.code };
  }
}
