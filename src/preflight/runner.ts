// Runs checks, each as soon as the checks it needs are done (independent groups at the
// same time), each bounded by its own deadline; a check whose prerequisite did not pass
// is skipped. The timer is injected, so tests never wait.
import { UpstreamError } from "../lib/upstream-error.ts";
import { errorFields, log } from "../log.ts";
import type { CheckContext, CheckDefinition, CheckResult, Outcome } from "./types.ts";
import { failed, skipped } from "./types.ts";

export interface RunOptions {
  /** Time each check may take, in milliseconds. */
  timeoutMs: number;
  /** Resolves when `ms` have passed; tests inject one they control. */
  timer: (ms: number) => Promise<void>;
}

export const realTimer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Report {
  ok: boolean;
  checkedAt: string;
  checks: CheckResult[];
}

export async function runChecks(
  definitions: readonly CheckDefinition[],
  context: Omit<CheckContext, "signal">,
  options: RunOptions,
): Promise<Report> {
  const checkedAt = context.now().toISOString();
  const done = new Map<string, Promise<Outcome>>();
  for (const def of definitions) {
    done.set(def.id, runOne(def));
  }
  const checks = await Promise.all(definitions.map(async (def) => ({ id: def.id, ...(await done.get(def.id)) }) as CheckResult));
  return { ok: checks.every((c) => c.status !== "failed"), checkedAt, checks };

  async function runOne(def: CheckDefinition): Promise<Outcome> {
    for (const need of def.needs ?? []) {
      const before = await done.get(need);
      if (!before || before.status === "failed" || before.status === "skipped") {
        return skipped(`needs_${need}`, `Not run: ${need} did not pass.`);
      }
    }
    const controller = new AbortController();
    // The signal is aborted once the race is decided (finally, below): aborting it here would
    // make a fetch-based check reject first, and a timeout read as a crash.
    const timedOut = options.timer(options.timeoutMs).then((): Outcome => {
      return failed("timeout", `No answer within ${formatMs(options.timeoutMs)}.`, "The service is slow or unreachable from the Worker; run the check again, and check its status page.");
    });
    try {
      return await Promise.race([def.run({ ...context, signal: controller.signal }), timedOut]);
    } catch (err) {
      log.warn("preflight.check_crashed", { tenantId: context.tenantId, check: def.id, ...errorFields(err) });
      return unexpected(err);
    } finally {
      controller.abort();
    }
  }
}

/** A failure the check did not foresee: its code, never its message (which may quote data). */
function unexpected(err: unknown): Outcome {
  if (err instanceof UpstreamError) return failed(err.code, `The ${err.service} call failed (${err.code}${err.status ? `, HTTP ${err.status}` : ""}).`);
  return failed("check_error", "The check could not complete; the error is logged.");
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}
