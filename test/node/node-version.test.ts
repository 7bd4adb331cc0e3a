// The Node version a newcomer needs is stated once and agreed everywhere: `node file.ts`
// (npm start, the CLIs) needs 22.18; package.json's engines, .ci/run's check and the
// README all say so (before: engines said 22.12, which fails with ERR_UNKNOWN_FILE_EXTENSION).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;
const read = (file: string) => readFileSync(`${ROOT}${file}`, "utf8");
/** The first Node 22 that runs TypeScript files without a flag. */
const NEEDED = "22.18";

describe("the Node version", () => {
  it("package.json's engines ask for it", () => {
    const { engines } = JSON.parse(read("package.json")) as { engines?: { node?: string } };
    expect(engines?.node).toBe(`>=${NEEDED}`);
  });

  it(".ci/run fetches a newer Node below it, and checks for it", () => {
    const ci = read(".ci/run");
    const [major, minor] = NEEDED.split(".");
    expect(ci).toContain(`a>${major}||(a===${major}&&b>=${minor})`);
    expect(ci).not.toMatch(/b>=1[0-7]\b/);
  });

  it("the README names it", () => {
    expect(read("README.md")).toContain(`Node.js ${NEEDED} or newer`);
  });
});
