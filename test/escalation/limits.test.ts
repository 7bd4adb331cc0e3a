// The rate limits hold under concurrency: requests sent at once cannot all pass a check
// made before any of them is recorded (toll fraud spreads over many numbers at once).
import { describe, expect, it } from "vitest";
import { ask, escalationTenant, received } from "../helpers/escalation.ts";

describe("escalation: limits under concurrency", () => {
  it("100 concurrent requests for distinct numbers place at most perTenantPerMinute callbacks", async () => {
    const t = await escalationTenant({ perTenantPerMinute: 30 });
    const numbers = Array.from({ length: 100 }, (_, i) => `06 12 34 56 ${String(i).padStart(2, "0")}`);
    const answers = await Promise.all(numbers.map((phone) => ask(t.key, { phone })));
    const calls = await received(t.account);
    expect(calls).toHaveLength(30);
    expect(answers.filter((a) => a.status === "scheduled")).toHaveLength(30);
    expect(answers.filter((a) => a.status === "rejected" && a.reason === "rate_limited")).toHaveLength(70);
  });

  it("concurrent requests for one number place at most perNumberPerDay callbacks", async () => {
    const t = await escalationTenant({ perNumberPerDay: 3 });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => ask(t.key, { phone: "0612345678", conversationId: `conv-${i}` })));
    expect(await received(t.account)).toHaveLength(3);
    expect(answers.filter((a) => a.status === "scheduled")).toHaveLength(3);
  });
});
