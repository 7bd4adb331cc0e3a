// Through the real local queue (no hand delivery): the SMS of one send reach the
// provider two seconds apart, by the queue's delay.
import { describe, expect, it } from "vitest";
import { mobile, send, sendBody, sms, surveyTenant } from "../helpers/surveys.ts";
import { waitFor } from "../helpers/wait.ts";

describe("SMS spacing", () => {
  it("sends the second SMS of a group at least two seconds after the first", async () => {
    const t = await surveyTenant();
    const phone = mobile();
    expect((await send(t.key, sendBody(phone))).status).toBe(202);
    const sent = await waitFor(
      async () => {
        const list = (await (await fetch(`${sms()}/__emulator/messages?account=${t.accountSid}&to=${encodeURIComponent(phone)}`)).json()) as { at: number }[];
        return list.length === 2 ? list : null;
      },
      { timeoutMs: 20_000, what: "two SMS" },
    );
    expect((sent[1]?.at ?? 0) - (sent[0]?.at ?? 0)).toBeGreaterThanOrEqual(1900);
  }, 30_000);
});
