// A session's results as the CRM shows them, pure: each answer with its question in the
// survey's default language and the answer as the customer chose it, and up to three
// numbers for reports (scales; yes/no as 1/0; a drop-down as its stored index from 0).
import type { Survey } from "./definition.ts";
import { scoreElements } from "./definition.ts";
import { pick } from "./render.ts";
import type { AnswerValue } from "./replies.ts";

export interface ResultAnswer {
  elementId: string;
  value: AnswerValue;
  answeredAt: string;
}

export interface ResultLine {
  element: string;
  question: string;
  answer: string;
  value: AnswerValue;
  answeredAt: string;
}

export function resultLines(survey: Survey, answers: readonly ResultAnswer[]): ResultLine[] {
  const lang = survey.defaultLanguage;
  return answers.flatMap((a) => {
    const e = survey.elements.find((x) => x.id === a.elementId);
    if (!e || e.type === "text") return [];
    const item = (i: number) => (e.type === "dropdown" || e.type === "multiple_choice" ? pick(e.items[i] ?? {}, lang, survey) : String(i));
    const answer =
      e.type === "yes_no" ? (a.value === true ? "yes" : "no")
      : e.type === "dropdown" && typeof a.value === "number" ? item(a.value)
      : e.type === "multiple_choice" && Array.isArray(a.value) ? a.value.map(item).join("; ")
      : String(a.value);
    return [{ element: e.id, question: pick(e.text, lang, survey), answer, value: a.value, answeredAt: a.answeredAt }];
  });
}

export function scores(survey: Survey, answers: readonly ResultAnswer[]): (number | null)[] {
  const ids = scoreElements(survey);
  return [0, 1, 2].map((i) => {
    const value = answers.find((a) => a.elementId === ids[i])?.value;
    if (typeof value === "number") return value;
    if (typeof value === "boolean") return value ? 1 : 0;
    return null;
  });
}
