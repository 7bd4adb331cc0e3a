// Both content types iAdvize may use decode to the same event.
import { describe, expect, it } from "vitest";
import { bodyKind, decodeBody } from "../../src/webhooks/decode.ts";
import { KnownEvent } from "../../src/events/schema.ts";
import { fixtures } from "../fixtures/webhooks/index.ts";

const enc = (s: string) => new TextEncoder().encode(s);

describe("decode", () => {
  it("recognises the two content types, with parameters and any case", () => {
    expect(bodyKind("Application/JSON; charset=UTF-8")).toBe("json");
    expect(bodyKind("application/x-www-form-urlencoded")).toBe("form");
    expect(bodyKind("text/plain")).toBeUndefined();
    expect(bodyKind(undefined)).toBeUndefined();
  });

  it.each([
    ["repeated keys", "operatorIds=1&operatorIds=2"],
    ["bracket suffix", "operatorIds[]=1&operatorIds[]=2"],
    ["indexed", "operatorIds[0]=1&operatorIds[1]=2"],
  ])("reads a form list written with %s", (_, list) => {
    const base = new URLSearchParams(Object.entries(fixtures.conversationClosed).filter(([k]) => k !== "operatorIds").map(([k, v]) => [k, String(v)]));
    const decoded = decodeBody("form", enc(`${base.toString()}&${list}`));
    expect(KnownEvent.parse(decoded)).toMatchObject({ operatorIds: [1, 2], projectId: 3291 });
  });

  it("reads a single operator as a list of one, and an empty one as none", () => {
    expect(decodeBody("form", enc("operatorIds=5"))).toEqual({ operatorIds: ["5"] });
    expect(decodeBody("form", enc("operatorIds="))).toEqual({ operatorIds: [] });
  });

  it("parses the same event from JSON and from the form encoding", () => {
    const e = fixtures.conversationPushed;
    const form = new URLSearchParams(Object.entries(e).map(([k, v]) => [k, String(v)])).toString();
    expect(KnownEvent.parse(decodeBody("form", enc(form)))).toEqual(KnownEvent.parse(decodeBody("json", enc(JSON.stringify(e)))));
  });

  it("refuses invalid UTF-8 and invalid JSON with a clear error", () => {
    expect(() => decodeBody("json", new Uint8Array([0xff, 0xfe]))).toThrow(/UTF-8/);
    expect(() => decodeBody("json", enc("{"))).toThrow(/not valid JSON/);
  });

  it("carries nothing from one body to the next: a cut-off character is refused, the next body reads whole", () => {
    const cut = enc('{"a":"é').slice(0, -1); // the first byte of "é" only
    expect(() => decodeBody("json", cut)).toThrow(/UTF-8/);
    expect(decodeBody("json", enc('{"a":"é"}'))).toEqual({ a: "é" });
  });
});
