// What `npm run extract` does with a file's text: parse, validate, extract; pure.
import { extractAnswers } from "./extract.ts";
import type { Extraction } from "./extract.ts";
import { ChatMessages } from "./messages.ts";

export type CheckResult = { ok: true; extraction: Extraction } | { ok: false; error: string };

export function checkExport(text: string): CheckResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: "the file is not valid JSON" };
  }
  const parsed = ChatMessages.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 10).map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
    return {
      ok: false,
      error: `the file is not an array of {role: "operator"|"bot"|"visitor"|"system", text, createdAt}:\n${issues.join("\n")}`,
    };
  }
  return { ok: true, extraction: extractAnswers(parsed.data) };
}
