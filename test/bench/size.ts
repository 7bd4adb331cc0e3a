// `npm run size`: the Worker's bundle as `wrangler deploy` builds it (minified), and its
// gzip size, which is what Cloudflare's size limit counts. Target: at most 300 KiB.
// `npm run size -- --by-package`: also what each package (and each src/ folder) weighs:
// its minified bytes, and the gzip KiB the bundle would lose without them (the bytes are
// attributed through the bundle's source map; gzip is not additive, so the parts do not
// add up exactly to the total).
import { readFileSync, rmSync, mkdtempSync } from "node:fs";
import { SourceMap } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { bundleWorker } from "./runtime.ts";

const TARGET_KIB = 300;
const kib = (n: number) => n / 1024;

/** The package (or src/ folder) a source of the bundle belongs to. */
function groupOf(source: string): string {
  const inModules = source.lastIndexOf("node_modules/");
  if (inModules >= 0) {
    const [scope = "", name = ""] = source.slice(inModules + "node_modules/".length).split("/");
    return scope.startsWith("@") ? `${scope}/${name}` : scope;
  }
  const inSrc = source.lastIndexOf("src/");
  if (inSrc >= 0) {
    const parts = source.slice(inSrc).split("/");
    return parts.length > 2 ? `${parts[0]}/${parts[1]}/` : parts.join("/");
  }
  return source.replace(/^(\.\.\/)+/, "");
}

/** Each group's characters of `code`, as the source map attributes them. */
function rangesByGroup(code: string, map: SourceMap): Map<string, Array<[number, number]>> {
  const groups = new Map<string, Array<[number, number]>>();
  let offset = 0;
  const lines = code.split("\n");
  lines.forEach((line, lineNo) => {
    let last: string | undefined;
    let start = 0;
    const close = (end: number) => {
      if (last === undefined || end <= start) return;
      const list = groups.get(last) ?? [];
      list.push([offset + start, offset + end]);
      groups.set(last, list);
    };
    for (let col = 0; col < line.length; col++) {
      const entry = map.findEntry(lineNo, col);
      const group = "originalSource" in entry && typeof entry.originalSource === "string" ? groupOf(entry.originalSource) : "(unmapped)";
      if (group !== last) {
        close(col);
        last = group;
        start = col;
      }
    }
    close(line.length);
    offset += line.length + 1;
  });
  return groups;
}

function byPackage(code: string, map: SourceMap, totalGz: number): string {
  const rows = [...rangesByGroup(code, map)].map(([group, ranges]) => {
    const bytes = ranges.reduce((n, [a, b]) => n + b - a, 0);
    let without = "";
    let at = 0;
    for (const [a, b] of ranges) {
      without += code.slice(at, a);
      at = b;
    }
    without += code.slice(at);
    return { group, bytes, saves: totalGz - gzipSync(without).length };
  });
  rows.sort((a, b) => b.saves - a.saves);
  const lines = rows
    .filter((r) => r.bytes >= 1024)
    .map((r) => `${kib(r.bytes).toFixed(1).padStart(8)} ${kib(r.saves).toFixed(1).padStart(8)}  ${r.group}`);
  const rest = rows.filter((r) => r.bytes < 1024);
  return [
    "minified  gzip(-)  package or src/ folder  (gzip(-): gzip KiB the bundle loses without it)",
    ...lines,
    `${kib(rest.reduce((n, r) => n + r.bytes, 0)).toFixed(1).padStart(8)}           ${rest.length} others under 1 KiB each`,
    "",
  ].join("\n");
}

const outdir = mkdtempSync(join(tmpdir(), "connector-size-"));
try {
  const entry = bundleWorker(outdir);
  const code = readFileSync(entry, "utf8");
  const gz = gzipSync(code).length;
  process.stdout.write(
    `bundle: ${kib(Buffer.byteLength(code)).toFixed(1)} KiB minified, ${kib(gz).toFixed(1)} KiB gzip (target <= ${TARGET_KIB} KiB: ${kib(gz) <= TARGET_KIB ? "met" : "NOT met"})\n`,
  );
  if (process.argv.includes("--by-package")) {
    const map = new SourceMap(JSON.parse(readFileSync(`${entry}.map`, "utf8")));
    process.stdout.write(byPackage(code, map, gz));
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
