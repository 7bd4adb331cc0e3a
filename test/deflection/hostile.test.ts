// The endpoint against a hostile or careless IVR: odd bodies answer a JSON 4xx, never a 500.
import { describe, expect, it } from "vitest";
import { deflect, deflectionTenant, mobile } from "../helpers/deflection.ts";

describe("deflection: hostile bodies", () => {
  it("answers a 400 when a form posts a group both as a plain field and as a nested one", async () => {
    const t = await deflectionTenant("webhook");
    for (const body of [`phone=${encodeURIComponent(mobile())}&conversationFields=abc&conversationFields.queue=billing`, `phone=${encodeURIComponent(mobile())}&customerFields=1&customerFields[FirstName]=Jane`]) {
      const res = await deflect(t.key, body, { form: true });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_request" } });
    }
  });
});
