// The Worker's runtime options as wrangler.toml declares them (entry, bindings, queues and
// consumers, [vars]) for the runtimes the tests start, never with a developer's .dev.vars.
// Each test runtime then adds its secrets explicitly.
import { devNull } from "node:os";
import { dirname, resolve } from "node:path";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import type { Unstable_Config, Unstable_MiniflareWorkerOptions } from "wrangler";

type Options = NonNullable<Parameters<typeof unstable_getMiniflareWorkerOptions>[2]>;

export interface WranglerTomlOptions {
  main: string;
  /** Everything but the vars. */
  workerOptions: Omit<Unstable_MiniflareWorkerOptions["workerOptions"], "bindings">;
  /** wrangler.toml's [vars], and nothing else. */
  vars: Unstable_Config["vars"];
  /** wrangler.toml's [alias]: module name → file, resolved from the project's root. */
  alias: Record<string, string>;
}

export function wranglerTomlOptions(configPath: string): WranglerTomlOptions {
  const config = unstable_readConfig({ config: configPath });
  if (!config.main) throw new Error(`${configPath} names no main entry`);
  // wrangler reads .dev.vars only when no env file is named (getVarsForDev): an empty one
  // is named, so .dev.vars is not even opened. Whatever a wrangler version does with it,
  // the vars are then set to wrangler.toml's own.
  const noDevVars: Options & { envFiles: string[] } = { envFiles: [devNull] };
  const { bindings: _, ...workerOptions } = unstable_getMiniflareWorkerOptions(config, undefined, noDevVars).workerOptions;
  const root = dirname(resolve(configPath));
  const declared: Record<string, string> = config.alias ?? {};
  const alias = Object.fromEntries(Object.entries(declared).map(([name, file]) => [name, resolve(root, file)]));
  return { main: config.main, workerOptions, vars: config.vars, alias };
}
