// schema:pull's core, against the emulator: the pulled schema is the one the emulator serves.
import { env } from "cloudflare:workers";
import { buildSchema, printSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { pullSchema } from "../../src/iadvize/introspect.ts";
import { newUser } from "../helpers/iadvize.ts";

describe("pullSchema", () => {
  it("logs in, introspects, and prints the schema as SDL", async () => {
    const user = await newUser();
    const sdl = await pullSchema({ fetch: (i, init) => fetch(i, init), sleep: async () => undefined }, env.IADVIZE_API_URL ?? "", user, "ha");
    const pulled = printSchema(buildSchema(sdl));
    expect(pulled).toContain("type Conversation {");
    expect(pulled).toContain("messages(first: Int, after: String): MessageConnection!");
    expect(pulled).toContain("type VisitorConversationCustomDataEntryString implements VisitorConversationCustomDataEntry");
  });

  it("fails clearly on wrong credentials", async () => {
    const err = await pullSchema({ fetch: (i, init) => fetch(i, init), sleep: async () => undefined }, env.IADVIZE_API_URL ?? "", { username: "x@y.z", password: "no" }, "ha").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "auth_failed" });
  });
});
