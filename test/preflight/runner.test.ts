// The runner alone: deadlines from an injected timer (nothing waits), skipped
// dependants, and an unforeseen error turned into a failed check that quotes nothing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runChecks } from "../../src/preflight/runner.ts";
import type { CheckDefinition } from "../../src/preflight/types.ts";
import { ok, warning } from "../../src/preflight/types.ts";
import { UpstreamError } from "../../src/lib/upstream-error.ts";

const context = {
  db: env.DB,
  config: { IADVIZE_API_URL: "http://unused.invalid", ENCRYPTION_KEY: ["unused"] },
  tenantId: "ha-1",
  tenant: { mapping: {} },
  fetch: () => Promise.reject(new Error("no network in this test")),
  now: () => new Date("2026-11-21T12:00:00Z"),
};

/** A timer the test fires by hand. */
function manualTimer() {
  const waiting: { ms: number; fire: () => void }[] = [];
  return {
    timer: (ms: number) => new Promise<void>((resolve) => waiting.push({ ms, fire: resolve })),
    fireAll: () => waiting.splice(0).forEach((w) => w.fire()),
    waiting,
  };
}

describe("preflight runner", () => {
  it("fails a check whose deadline passes, aborts its signal, and skips what needs it", async () => {
    const clock = manualTimer();
    let aborted = false;
    const hanging: CheckDefinition = {
      id: "a.hangs",
      run: (ctx) =>
        new Promise(() => {
          ctx.signal.addEventListener("abort", () => (aborted = true));
        }),
    };
    const after: CheckDefinition = { id: "a.after", needs: ["a.hangs"], run: async () => ok("x", "never run") };
    const other: CheckDefinition = { id: "b.other", run: async () => warning("w", "a warning") };
    const run = runChecks([hanging, after, other], context, { timeoutMs: 2500, timer: clock.timer });
    await Promise.resolve();
    expect(clock.waiting.map((w) => w.ms)).toEqual([2500, 2500]);
    clock.fireAll();
    const report = await run;
    expect(report.checks).toEqual([
      { id: "a.hangs", status: "failed", code: "timeout", message: "No answer within 2.5 s.", hint: expect.any(String) },
      { id: "a.after", status: "skipped", code: "needs_a.hangs", message: "Not run: a.hangs did not pass." },
      { id: "b.other", status: "warning", code: "w", message: "a warning" },
    ]);
    expect(aborted).toBe(true);
    expect(report.ok).toBe(false);
    expect(report.checkedAt).toBe("2026-11-21T12:00:00.000Z");
  });

  it("reports a timeout, not a crash, for a check that rejects once its signal is aborted, as a fetch does", async () => {
    const clock = manualTimer();
    const aborts: CheckDefinition = {
      id: "a.aborts",
      run: (ctx) => new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")))),
    };
    const run = runChecks([aborts], context, { timeoutMs: 1000, timer: clock.timer });
    await Promise.resolve();
    clock.fireAll();
    const report = await run;
    expect(report.checks).toEqual([
      { id: "a.aborts", status: "failed", code: "timeout", message: "No answer within 1 s.", hint: expect.any(String) },
    ]);
  });

  it("runs a check after a warning, and reports a crash by its code only", async () => {
    const clock = manualTimer();
    const first: CheckDefinition = { id: "c.first", run: async () => warning("w", "fine enough") };
    const crash: CheckDefinition = {
      id: "c.crash",
      needs: ["c.first"],
      run: async () => {
        throw new UpstreamError("salesforce", "rejected", "Salesforce refused jane.doe@example.com", { retryable: false, status: 400 });
      },
    };
    const plain: CheckDefinition = {
      id: "c.plain",
      run: async () => {
        throw new Error("secret-value-in-a-message");
      },
    };
    const report = await runChecks([first, crash, plain], context, { timeoutMs: 1000, timer: clock.timer });
    expect(report.checks[1]).toEqual({ id: "c.crash", status: "failed", code: "rejected", message: "The salesforce call failed (rejected, HTTP 400)." });
    expect(report.checks[2]).toMatchObject({ id: "c.plain", status: "failed", code: "check_error" });
    expect(JSON.stringify(report)).not.toMatch(/jane\.doe|secret-value/);
    expect(report.ok).toBe(false);
  });
});
