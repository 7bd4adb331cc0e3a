// SOQL text built from values: every value is escaped, and long lists are split so that
// each query stays within what a GET URL carries.

/** A SOQL string literal: backslash and quote escaped, as are the characters SOQL treats specially. */
export function soqlString(value: string): string {
  const escaped = value
    .replace(/\\/g, "\\\\")
    .replace(/'/g, "\\'")
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t");
  return `'${escaped}'`;
}

export function inList(values: Iterable<string>): string {
  return `(${[...values].map(soqlString).join(", ")})`;
}

/** Splits values into chunks whose costs add up to at most `max` (a single value over it is a chunk of its own). */
function chunkBy(values: readonly string[], max: number, cost: (value: string) => number): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const v of values) {
    const c = cost(v);
    if (current.length > 0 && size + c > max) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(v);
    size += c;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Splits values into chunks whose quoted list stays under `maxChars`. */
export function chunkForSoql(values: readonly string[], maxChars: number): string[][] {
  return chunkBy(values, maxChars, (v) => soqlString(v).length + 2);
}

/** The encoded ", " between two values of a list in a query's URL. */
const URL_SEPARATOR = encodeURIComponent(", ").length;

/** Splits values into chunks whose quoted list, once encoded in a URL, stays under `maxUrlChars`. */
export function chunkForUrl(values: readonly string[], maxUrlChars: number): string[][] {
  return chunkBy(values, maxUrlChars, (v) => encodeURIComponent(soqlString(v)).length + URL_SEPARATOR);
}

export function queryUrl(version: string, soql: string): string {
  return `/services/data/v${version}/query?q=${encodeURIComponent(soql)}`;
}
