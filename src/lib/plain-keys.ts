// Keys a JSON object may not use as names: zod's records drop `__proto__` without a word
// (assigning it would replace the prototype), and `constructor` / `prototype` name what
// every object already has. A record of names taken from outside refuses them instead,
// naming the key, so nothing the caller sent is silently lost.
import * as z from "zod";

const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** The record schema, after a check of the raw object's own keys (before zod drops any). */
export function plainKeys<T extends z.ZodType>(record: T) {
  return z.preprocess((value, ctx) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const key of Object.keys(value)) {
        if (RESERVED_KEYS.has(key)) ctx.issues.push({ code: "custom", message: `"${key}" cannot be a name here`, path: [key], input: value });
      }
    }
    return value;
  }, record);
}
