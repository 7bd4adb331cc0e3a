// Constants that repeat a wrangler.toml setting agree with it: the sync reads a full
// conversation batch as "a burst is under way", so the size it compares with must be the
// consumer's real max_batch_size.
import { unstable_readConfig } from "wrangler";
import { describe, expect, it } from "vitest";
import { CONVERSATION_BATCH_MAX } from "../../src/queues.ts";

describe("queue settings repeated in code", () => {
  it("CONVERSATION_BATCH_MAX is the conversation-work consumer's max_batch_size", () => {
    const config = unstable_readConfig({ config: new URL("../../wrangler.toml", import.meta.url).pathname });
    const consumers: { queue: string; max_batch_size?: number }[] = config.queues.consumers ?? [];
    const consumer = consumers.find((c) => c.queue === "conversation-work");
    expect(consumer?.max_batch_size).toBe(CONVERSATION_BATCH_MAX);
  });
});
