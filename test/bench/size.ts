// `npm run size`: the Worker's bundle as `wrangler deploy` builds it (minified), and its
// gzip size, which is what Cloudflare's size limit counts. Target: at most 300 KiB.
import { readFileSync, rmSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { bundleWorker } from "./runtime.ts";

const TARGET_KIB = 300;
const outdir = mkdtempSync(join(tmpdir(), "connector-size-"));
try {
  const code = readFileSync(bundleWorker(outdir));
  const kib = (n: number) => n / 1024;
  const gz = kib(gzipSync(code).length);
  process.stdout.write(
    `bundle: ${kib(code.length).toFixed(1)} KiB minified, ${gz.toFixed(1)} KiB gzip (target <= ${TARGET_KIB} KiB: ${gz <= TARGET_KIB ? "met" : "NOT met"})\n`,
  );
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
