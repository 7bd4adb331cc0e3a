// The public-host rule of tenant endpoint URLs, driven through the admin API.
import { describe, expect, it } from "vitest";
import { admin } from "../helpers/admin.ts";
import { surveyTenant, surveysConfig } from "../helpers/surveys.ts";

describe("endpoint URLs on a public host", () => {
  it("refuses local names written with a trailing dot or in capitals", async () => {
    const t = await surveyTenant();
    for (const apiUrl of ["https://localhost./", "https://foo.internal./", "https://metadata.google.internal./", "https://LOCALHOST./", "https://printer.local./"]) {
      const res = await admin("PUT", `/tenants/${t.tenantId}`, { surveys: surveysConfig(t, { provider: { type: "twilio", apiUrl, accountSid: t.accountSid, authToken: t.authToken, from: t.from } }) });
      expect(res.status, apiUrl).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: expect.any(String) } });
    }
  });
});
