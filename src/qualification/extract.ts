// The answers to the tagged questions of a conversation: pure, messages in, answers out.
// A question is an operator or bot message carrying a `[](Qn)` marker; its answer is the
// visitor's messages after it, joined in order, until the next tagged question. System
// messages and operator chatter without a marker do not end an answer. A question asked
// again takes the later answer, when there is one.
import { markersIn, stripMarkers } from "./markers.ts";
import type { ChatMessage } from "./messages.ts";

export interface Answer {
  question: string;
  answer: string;
  /** When the last message of the answer was sent. */
  answeredAt: string;
}

export interface Extraction {
  answers: Record<string, Answer>;
  /** Tags that were asked and never answered, in tag order. */
  unanswered: string[];
}

interface Open {
  tag: string;
  question: string;
  parts: string[];
  answeredAt: string;
}

const tagNumber = (tag: string) => Number(tag.slice(1));

export function extractAnswers(messages: readonly ChatMessage[]): Extraction {
  const answers = new Map<string, Answer>();
  const asked = new Set<string>();
  let open: Open | undefined;

  const close = () => {
    if (open && open.parts.length > 0) {
      answers.set(open.tag, { question: open.question, answer: open.parts.join("\n"), answeredAt: open.answeredAt });
    }
    open = undefined;
  };

  for (const message of inTimeOrder(messages)) {
    if (message.role === "operator" || message.role === "bot") {
      const tags = markersIn(message.text);
      // A message carrying several markers asks its last question last: that is the one answered next.
      const tag = tags[tags.length - 1];
      if (tag === undefined) continue;
      close();
      for (const t of tags) asked.add(t);
      open = { tag, question: stripMarkers(message.text), parts: [], answeredAt: message.createdAt };
    } else if (message.role === "visitor" && open) {
      const text = stripMarkers(message.text);
      if (text.length > 0) {
        open.parts.push(text);
        open.answeredAt = message.createdAt;
      }
    }
  }
  close();

  const sorted = (tags: Iterable<string>) => [...tags].sort((a, b) => tagNumber(a) - tagNumber(b));
  return {
    answers: Object.fromEntries(sorted(answers.keys()).map((t) => [t, answers.get(t) as Answer])),
    unanswered: sorted(asked).filter((t) => !answers.has(t)),
  };
}

/** Messages sorted by time; equal times keep their order (the sort is stable). */
export function inTimeOrder(messages: readonly ChatMessage[]): ChatMessage[] {
  return messages
    .map((m, i) => ({ m, i, t: Date.parse(m.createdAt) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map(({ m }) => m);
}
