// The checked configuration a request needs, or the misconfigured error (logged) it answers.
import type { Bindings, Config } from "../env.ts";
import { configOf } from "../env.ts";
import { AppError } from "../errors.ts";
import { log } from "../log.ts";

export function requireConfig(env: Bindings): Config {
  const result = configOf(env);
  if (!result.ok) {
    log.error("config.invalid", { problems: result.problems.join("; ") });
    throw new AppError("misconfigured", `The connector is misconfigured: ${result.problems.join("; ")}.`);
  }
  return result.config;
}
