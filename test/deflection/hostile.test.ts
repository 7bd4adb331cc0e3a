// The endpoint against a hostile or careless IVR: odd bodies answer a JSON 4xx, never a 500.
import { describe, expect, it } from "vitest";
import { ask, deflect, deflectionTenant, mobile, received } from "../helpers/deflection.ts";

describe("deflection: hostile bodies", () => {
  it("answers a 400 when a form posts a group both as a plain field and as a nested one", async () => {
    const t = await deflectionTenant("webhook");
    for (const body of [`phone=${encodeURIComponent(mobile())}&conversationFields=abc&conversationFields.queue=billing`, `phone=${encodeURIComponent(mobile())}&customerFields=1&customerFields[FirstName]=Jane`]) {
      const res = await deflect(t.key, body, { form: true });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_request" } });
    }
  });
  it("counts every way of writing one number as that number: its daily limit holds", async () => {
    const t = await deflectionTenant("webhook", { perNumberPerDay: 1 });
    const e164 = mobile();
    const national = `0${e164.slice(3)}`;
    const spaced = national.replace(/(\d\d)(?=\d)/g, "$1 ");
    const fullwidth = national.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    const variants = [e164, national, spaced, `00${e164.slice(1)}`, `+33 (0)${e164.slice(3)}`, `${national} ext. 12`, fullwidth, ` ${e164}\t`];
    const answers = [];
    for (const [i, phone] of variants.entries()) answers.push(await ask(t.key, { phone, optIn: true, callId: `v-${i}` }));
    expect(await received(t.account)).toHaveLength(1);
    expect(answers.filter((a) => a.status === "sent")).toHaveLength(1);
  });
  it("answers odd JSON bodies with a JSON 4xx and records nothing", async () => {
    const t = await deflectionTenant("webhook");
    const bodies = ["[]", "null", "\"+33612345678\"", "{", `{"phone": "${"9".repeat(201)}"}`, `{"phone": "+33612345678", "conversationFields": {"a": {"b": 1}}}`, `{"phone": "+33612345678", "callId": ""}`, `{"phone": "+33612345678", "x": "${"y".repeat(40_000)}"}`];
    for (const body of bodies) {
      const res = await deflect(t.key, body);
      expect(`${res.status} ${body.slice(0, 60)}`).toMatch(/^4\d\d /);
      expect(await res.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    expect(await received(t.account)).toHaveLength(0);
  });
  it("refuses a callId seen before with another number (409), rather than tell the second caller a message was sent", async () => {
    const t = await deflectionTenant("webhook");
    const first = mobile();
    expect(await ask(t.key, { phone: first, optIn: true, callId: "call-1" })).toMatchObject({ status: "sent" });
    // The same call retried, the number written another way: the first answer again.
    expect(await ask(t.key, { phone: `0${first.slice(3)}`, optIn: true, callId: "call-1" })).toMatchObject({ status: "sent" });
    const other = await deflect(t.key, { phone: mobile(), optIn: true, callId: "call-1" });
    expect(other.status).toBe(409);
    const text = await other.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: "conflict" } });
    expect(text).not.toContain(first.slice(3));
    expect(await received(t.account)).toHaveLength(1);
  });
});
