// The survey engine, pure: which SMS to send first, and what a reply does (validated,
// stored, routed by the element's rules or to the next element, or re-asked with the
// error text first). The clock is passed in; nothing here does I/O.
import type { Element, Language, Question, Rule, Survey } from "./definition.ts";
import { END } from "./definition.ts";
import { pick, render } from "./render.ts";
import { parseReply } from "./replies.ts";
import type { SessionStatus } from "./sessions.ts";
import type { AnswerValue } from "./replies.ts";

export type OutgoingKind = "text" | "question" | "completion" | "error" | "notice";
export interface Outgoing {
  kind: OutgoingKind;
  text: string;
}

/** Where a session stands: the question waiting for an answer, or none when it ended. */
export interface Step {
  messages: Outgoing[];
  current: string | null;
}

export interface SessionState {
  status: SessionStatus;
  current: string | null;
  language: Language;
  expiresAt: Date;
}

export type ReplyOutcome =
  | { kind: "unavailable"; messages: Outgoing[] }
  | { kind: "invalid"; messages: Outgoing[] }
  | { kind: "answered"; element: Question; value: AnswerValue; messages: Outgoing[]; current: string | null };

/** The language of a session: the send's when the survey has texts in it, else the survey's default. */
export function sessionLanguage(survey: Survey, requested: string | undefined): Language {
  const short = requested?.trim().toLowerCase().slice(0, 2);
  const known = survey.elements.some((e) => short !== undefined && short in e.text);
  return known ? (short as Language) : survey.defaultLanguage;
}

/** Texts from `index` on, up to and including the first question; the completion text when none is left. */
export function walk(survey: Survey, index: number, language: Language): Step {
  const messages: Outgoing[] = [];
  for (let i = index; i < survey.elements.length; i++) {
    const e = survey.elements[i] as Element;
    if (e.type === "text") {
      messages.push({ kind: "text", text: render(e, language, survey) });
      continue;
    }
    messages.push({ kind: "question", text: render(e, language, survey) });
    return { messages, current: e.id };
  }
  messages.push({ kind: "completion", text: pick(survey.texts.completion, language, survey) });
  return { messages, current: null };
}

/** The first SMS of a send: every text before the first question, then the question; `content` before the first. */
export function start(survey: Survey, language: Language, content?: string): Step {
  const step = walk(survey, 0, language);
  const [first, ...rest] = step.messages;
  if (!content || !first) return step;
  return { ...step, messages: [{ ...first, text: `${content.trim()}\n\n${first.text}` }, ...rest] };
}

function equal(a: AnswerValue, b: number | boolean | string): boolean {
  if (typeof a === "string" && typeof b === "string") return a.trim().toLowerCase() === b.trim().toLowerCase();
  return a === b;
}

export function matches(rule: Rule, value: AnswerValue): boolean {
  const values = Array.isArray(value) ? value : [value];
  switch (rule.when) {
    case "equals":
      return values.some((v) => equal(v, rule.value));
    case "range":
      return values.some((v) => typeof v === "number" && v >= rule.min && v <= rule.max);
    case "one_of":
      return values.some((v) => rule.values.some((w) => equal(v, w)));
  }
}

/** The element after an answer: the first rule that matches decides, else the next in order. */
export function nextIndex(survey: Survey, element: Question, value: AnswerValue): number {
  const rule = element.rules.find((r) => matches(r, value));
  if (rule?.goTo === END) return survey.elements.length;
  const index = survey.elements.findIndex((e) => e.id === (rule ? rule.goTo : element.id));
  return rule ? index : index + 1;
}

export function reply(survey: Survey, session: SessionState, text: string, now: Date): ReplyOutcome {
  const unavailable = (): ReplyOutcome => ({ kind: "unavailable", messages: [{ kind: "notice", text: pick(survey.texts.unavailable, session.language, survey) }] });
  if (session.status !== "active" || session.current === null || now.getTime() >= session.expiresAt.getTime()) return unavailable();
  const element = survey.elements.find((e) => e.id === session.current);
  // The survey was edited and the question removed: the session cannot go on.
  if (!element || element.type === "text") return unavailable();
  const parsed = parseReply(element, text);
  if (!parsed.ok) {
    const again = `${pick(survey.texts.error, session.language, survey)}\n${render(element, session.language, survey)}`;
    return { kind: "invalid", messages: [{ kind: "error", text: again }] };
  }
  const step = walk(survey, nextIndex(survey, element, parsed.value), session.language);
  return { kind: "answered", element, value: parsed.value, ...step };
}
