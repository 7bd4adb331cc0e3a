// Dependencies flow one way and each fact has one place (issue 9): read from the source
// files themselves, so that an arrow pointing back up, or a second copy of a formula,
// fails here rather than in a review.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = new URL("../../src/", import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : sources(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

const FILES = sources(SRC).map((path) => ({ file: relative(SRC, path), text: readFileSync(path, "utf8") }));

/** The src-relative files each file imports (static, dynamic and type imports). */
const IMPORTS = new Map(
  FILES.map(({ file, text }) => [
    file,
    [...text.matchAll(/(?:from\s+|import\s*\()\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => relative(SRC, resolve(SRC, dirname(file), m[1] ?? ""))),
  ]),
);

const importersOf = (prefix: string) => [...IMPORTS].filter(([file, deps]) => !file.startsWith(prefix) && deps.some((d) => d.startsWith(prefix))).map(([file]) => file);

describe("one-way dependencies", () => {
  it("reads the source: every folder is there", () => {
    expect(FILES.length).toBeGreaterThan(100);
    for (const folder of ["webhooks/", "events/", "sync/", "salesforce/", "lib/", "escalation/"]) expect(FILES.some((f) => f.file.startsWith(folder))).toBe(true);
  });

  it("webhooks/ is imported by the app only: the event schema lives in events/", () => {
    expect(importersOf("webhooks/")).toEqual(["app.ts"]);
  });

  it("salesforce/ imports nothing from sync/", () => {
    expect([...IMPORTS].filter(([file, deps]) => file.startsWith("salesforce/") && deps.some((d) => d.startsWith("sync/")))).toEqual([]);
  });

  it("lib/ imports nothing outside lib/", () => {
    expect([...IMPORTS].filter(([file, deps]) => file.startsWith("lib/") && deps.some((d) => !d.startsWith("lib/")))).toEqual([]);
  });

  it("env.ts holds the env only: no queue message schema is defined there", () => {
    const env = FILES.find((f) => f.file === "env.ts")?.text ?? "";
    expect(env).not.toMatch(/(?:const|type|interface)\s+\w*Message\b/);
  });
});

describe("one place per fact", () => {
  it("only escalation/ writes the escalations table", () => {
    const writers = FILES.filter((f) => /(INSERT INTO|UPDATE|DELETE FROM)\s+escalations\b/.test(f.text)).map((f) => f.file);
    expect(writers.length).toBeGreaterThan(0);
    expect(writers.filter((f) => !f.startsWith("escalation/"))).toEqual([]);
  });

  it("one backoff formula: only lib/backoff.ts doubles a delay", () => {
    const doubling = FILES.filter((f) => /2\s*\*\*|Math\.pow\(\s*2\b/.test(f.text)).map((f) => f.file);
    expect(doubling).toEqual(["lib/backoff.ts"]);
  });
});

describe("one parser per header", () => {
  it("only http/bearer.ts reads a bearer token", () => {
    expect(FILES.filter((f) => /\/\^Bearer/.test(f.text)).map((f) => f.file)).toEqual(["http/bearer.ts"]);
  });

  it("only http/content-type.ts splits a Content-Type header", () => {
    expect(FILES.filter((f) => /header\("content-type"\)\?*\.split/i.test(f.text) || /split\(";"\)\[0\]/.test(f.text)).map((f) => f.file)).toEqual(["http/content-type.ts"]);
  });
});

describe("one place decides where a tenant's rows live", () => {
  it("only tenants/placement.ts reads the D1 bindings: every store gets tenantDb, directoryDb or everyDb", () => {
    expect(FILES.filter((f) => /\.DB\b|\[\s*["']DB(?:_\w+)?["']\s*\]/.test(f.text)).map((f) => f.file)).toEqual(["tenants/placement.ts"]);
  });
});
