// The logger keeps personal data and secrets out, whatever a caller passes.
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppError } from "../src/errors.ts";
import { errorFields, log } from "../src/log.ts";

afterEach(() => vi.restoreAllMocks());

describe("log", () => {
  it("redacts fields named like personal data or secrets", () => {
    const spy = vi.spyOn(console, "log").mockImplementation(() => undefined);
    log.info("x", { email: "a@b.c", visitorPhone: "+33612345678", password: "p", text: "hello", eventId: "e1", count: 2 });
    const line = JSON.parse(String(spy.mock.calls[0]?.[0]));
    expect(line).toEqual({
      level: "info",
      event: "x",
      email: "[redacted]",
      visitorPhone: "[redacted]",
      password: "[redacted]",
      text: "[redacted]",
      eventId: "e1",
      count: 2,
    });
  });

  it("redacts a field as well the second time its name is logged (the verdict is kept per name)", () => {
    const spy = vi.spyOn(console, "log").mockImplementation(() => undefined);
    for (let i = 0; i < 2; i++) log.info("x", { contactEmail: "a@b.c", eventId: "e1" });
    for (const call of spy.mock.calls) {
      expect(JSON.parse(String(call[0]))).toEqual({ level: "info", event: "x", contactEmail: "[redacted]", eventId: "e1" });
    }
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it("redacts the fields of a list of rows as it redacts top-level ones", () => {
    const spy = vi.spyOn(console, "log").mockImplementation(() => undefined);
    log.info("x", { events: [{ eventId: "e1", requestId: "r1", email: "a@b.c" }], count: 1 });
    expect(JSON.parse(String(spy.mock.calls[0]?.[0]))).toEqual({
      level: "info",
      event: "x",
      events: [{ eventId: "e1", requestId: "r1", email: "[redacted]" }],
      count: 1,
    });
  });

  it("logs an error's name and code, never its message", () => {
    expect(errorFields(new Error("visitor jane@doe.example said hi"))).toEqual({ error: "Error", code: undefined });
    expect(errorFields(new AppError("invalid_payload", "m", { detail: "d" }))).toEqual({ error: "AppError", code: "invalid_payload", detail: "d" });
  });
});
