// What a preflight check answers, and what every check is given to run.
import type { Config } from "../env.ts";
import type { TenantConfig } from "../tenants/schema.ts";

export type CheckStatus = "ok" | "warning" | "failed" | "skipped";

/** One line of the checklist: names settings and fields, never a secret or personal data. */
export interface CheckResult {
  id: string;
  status: CheckStatus;
  code: string;
  message: string;
  hint?: string;
}

export type Outcome = Omit<CheckResult, "id">;

export interface CheckContext {
  db: D1Database;
  config: Pick<Config, "IADVIZE_API_URL" | "ENCRYPTION_KEY">;
  tenantId: string;
  tenant: TenantConfig;
  fetch: typeof fetch;
  now: () => Date;
  /** Aborted when the check's time is up. */
  signal: AbortSignal;
}

export interface CheckDefinition {
  id: string;
  /** Checks that must pass (ok or warning) first; otherwise this one is skipped. */
  needs?: readonly string[];
  run(ctx: CheckContext): Promise<Outcome>;
}

export const ok = (code: string, message: string, hint?: string): Outcome => ({ status: "ok", code, message, ...(hint ? { hint } : {}) });
export const warning = (code: string, message: string, hint?: string): Outcome => ({ status: "warning", code, message, ...(hint ? { hint } : {}) });
export const failed = (code: string, message: string, hint?: string): Outcome => ({ status: "failed", code, message, ...(hint ? { hint } : {}) });
export const skipped = (code: string, message: string, hint?: string): Outcome => ({ status: "skipped", code, message, ...(hint ? { hint } : {}) });
