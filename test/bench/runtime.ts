// Runs the connector Worker, as wrangler bundles it and with the bindings of
// wrangler.toml (local D1 and Queues), in one workerd beside other Workers, for benchmarks.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import type { V4WorkerOptions } from "miniflare";
import { unstable_splitSqlQuery } from "wrangler";
import { wranglerTomlOptions } from "../helpers/wrangler-options.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Bundles the Worker exactly as `wrangler deploy` would, into `outdir`; returns the entry file. */
export function bundleWorker(outdir: string, minify = true, root = ROOT): string {
  execFileSync(join(ROOT, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", outdir, ...(minify ? [] : ["--minify=false"])], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  return join(outdir, "index.js");
}

export interface RuntimeOptions {
  outdir: string;
  secrets: Record<string, string>;
  /** Extra Workers to run in the same workerd, each reached by its host name. */
  others?: V4WorkerOptions[];
  /** Attach the queue consumers of wrangler.toml (default true). */
  consumers?: boolean;
  /** Open workerd's inspector on this port and keep the bundle's names (for a CPU profile). */
  inspectorPort?: number;
  /** Also run the Worker as it was at this git commit, reached by `host`, with the same bindings (no consumers). */
  baseline?: { ref: string; host: string };
  /** Each line the Worker logs (otherwise dropped). */
  onLog?: (message: string) => void;
}

/** The Worker bundled from `ref` (a temporary git worktree sharing this node_modules), into `outdir`. */
export function bundleAt(ref: string, outdir: string): string {
  const tree = join(outdir, "tree");
  execFileSync("git", ["worktree", "add", "--detach", tree, ref], { cwd: ROOT, stdio: "ignore" });
  try {
    symlinkSync(join(ROOT, "node_modules"), join(tree, "node_modules"));
    return bundleWorker(join(outdir, "bundle"), true, tree);
  } finally {
    execFileSync("git", ["worktree", "remove", "--force", tree], { cwd: ROOT, stdio: "ignore" });
  }
}

export async function startConnector(opts: RuntimeOptions): Promise<{ mf: Miniflare; url: URL }> {
  const scriptPath = bundleWorker(opts.outdir, opts.inspectorPort === undefined);
  // wrangler.toml's options and [vars], never a developer's .dev.vars: the secrets are given.
  const { workerOptions, vars } = wranglerTomlOptions(join(ROOT, "wrangler.toml"));
  // The bundle is a single module, so wrangler's module rules do not apply.
  const { modulesRules: _, queueConsumers, ...fromConfig } = workerOptions;
  const app: V4WorkerOptions = {
    ...fromConfig,
    name: "connector",
    modules: true,
    scriptPath,
    modulesRoot: opts.outdir,
    routes: ["connector.bench/*"],
    bindings: { ...vars, ...opts.secrets },
    ...(opts.consumers === false || !queueConsumers ? {} : { queueConsumers: queueConsumers as NonNullable<V4WorkerOptions["queueConsumers"]> }),
  };
  const baseline: V4WorkerOptions[] = opts.baseline
    ? [{ ...fromConfig, name: "connector-baseline", modules: true, scriptPath: bundleAt(opts.baseline.ref, join(opts.outdir, "baseline")), modulesRoot: join(opts.outdir, "baseline", "bundle"), routes: [`${opts.baseline.host}/*`], bindings: { ...vars, ...opts.secrets } }]
    : [];
  const mf = new Miniflare({
    ...convertV4MiniflareOptions({ workers: [app, ...baseline, ...(opts.others ?? [])] }),
    // The Worker's own logs would make the load generator print thousands of lines.
    handleStructuredLogs: (entry) => opts.onLog?.(entry.message),
    ...(opts.inspectorPort === undefined ? {} : { inspectorPort: opts.inspectorPort }),
  });
  const url = await mf.ready;
  await applyMigrations(mf);
  return { mf, url };
}

async function applyMigrations(mf: Miniflare): Promise<void> {
  const db = await mf.getD1Database("DB", "connector");
  const dir = join(ROOT, "migrations");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sql")).sort()) {
    for (const statement of unstable_splitSqlQuery(readFileSync(join(dir, file), "utf8"))) {
      await db.prepare(statement).run();
    }
  }
}
