// schema:pull's core, against the emulator: the pulled schema is the one the emulator
// serves (its own, written from the public reference), deprecations included.
import { env } from "cloudflare:workers";
import { buildSchema, printSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { pullSchema } from "../../src/iadvize/introspect.ts";
import { newUser, setSchemaVariant } from "../helpers/iadvize.ts";

describe("pullSchema", () => {
  it("logs in, introspects, and prints the schema as SDL", async () => {
    const user = await newUser();
    const sdl = await pullSchema({ fetch: (i, init) => fetch(i, init), sleep: async () => undefined }, env.IADVIZE_API_URL ?? "", user, "ha");
    const pulled = printSchema(buildSchema(sdl));
    expect(pulled).toContain("type Conversation {");
    expect(pulled).toContain("messages(before: String, after: String, first: Int, last: Int): ConversationMessageConnection");
    expect(pulled).toContain("type SystemMessage implements Message {");
    expect(pulled).toContain("union VisitorConversationCustomDataEntry =");
    expect(pulled).toMatch(/visitorId: UUID! @deprecated/);
  });

  it("pulls the schema the API user really sees, not the connector's", async () => {
    const user = await newUser();
    await setSchemaVariant(user.username, { renameTypes: { VisitorMessage: "CustomerMessage" } });
    const pulled = printSchema(buildSchema(await pullSchema({ fetch: (i, init) => fetch(i, init), sleep: async () => undefined }, env.IADVIZE_API_URL ?? "", user, "ha")));
    expect(pulled).toContain("type CustomerMessage implements Message {");
    expect(pulled).not.toContain("VisitorMessage");
  });

  it("fails clearly on wrong credentials", async () => {
    const err = await pullSchema({ fetch: (i, init) => fetch(i, init), sleep: async () => undefined }, env.IADVIZE_API_URL ?? "", { username: "x@y.z", password: "no" }, "ha").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "auth_failed" });
  });
});
