// The answers of an open conversation that can be written already: every answer but that
// to the last question asked, which the visitor may still be typing (an answer runs until
// the next tagged question). Pure.
import { extractAnswers, inTimeOrder } from "../qualification/extract.ts";
import type { Extraction } from "../qualification/extract.ts";
import { markersIn } from "../qualification/markers.ts";
import type { ChatMessage } from "../qualification/messages.ts";

export function settledAnswers(messages: readonly ChatMessage[]): Extraction {
  const all = extractAnswers(messages);
  let last: string | undefined;
  for (const m of inTimeOrder(messages)) {
    if (m.role !== "operator" && m.role !== "bot") continue;
    const tags = markersIn(m.text);
    last = tags[tags.length - 1] ?? last;
  }
  if (last === undefined || !(last in all.answers)) return all;
  const { [last]: _open, ...answers } = all.answers;
  return { answers, unanswered: all.unanswered };
}
