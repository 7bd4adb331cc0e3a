// The emulators are written from the public contracts: none of them may load the
// connector's code (src/) or its own schema (graphql/), or they could never disagree.
import { describe, expect, it } from "vitest";

const sources = import.meta.glob(["./**/*.ts", "!./**/*.test.ts"], { query: "?raw", import: "default", eager: true });

describe("emulators", () => {
  it("import nothing from the connector's code or schema", () => {
    expect(Object.keys(sources)).toContain("./iadvize/server.ts");
    const offenders = Object.entries(sources)
      .filter(([, text]) => /["'][^"'\n]*(\/src\/|graphql\/schema\.graphql|graphql\/operations)/.test(String(text)))
      .map(([file]) => file);
    expect(offenders).toEqual([]);
  });
});
