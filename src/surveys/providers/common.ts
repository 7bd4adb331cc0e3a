// The shared provider answers (outages, refused credentials, timeouts) as SMS results.
import type { Failure } from "../../outreach/http.ts";
import type { SmsResult } from "./types.ts";

export function asSmsResult(r: Failure): SmsResult {
  switch (r.kind) {
    case "transient":
    case "ambiguous":
      // A timeout may have sent it: sent again, the customer may get an SMS twice, never none.
      return { kind: "transient", code: r.code };
    case "refused":
      return { kind: "refused", code: r.code };
  }
}
