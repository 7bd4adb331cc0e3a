// An element as the SMS the customer reads: the question, then how to answer it
// (the scale's range, the items numbered from 1, yes or no), in the session's language.
import type { Element, Language, Localized, Survey } from "./definition.ts";

const YES_NO: Record<Language, string> = { en: "(yes/no)", fr: "(oui/non)", no: "(ja/nei)" };

/** The text in `language`, else in the survey's default language (always defined). */
export function pick(text: Localized, language: Language, survey: Survey): string {
  return text[language] ?? text[survey.defaultLanguage] ?? "";
}

export function render(element: Element, language: Language, survey: Survey): string {
  const text = pick(element.text, language, survey);
  switch (element.type) {
    case "text":
    case "free_text":
      return text;
    case "scale":
      return `${text} (${element.min}-${element.max})`;
    case "yes_no":
      return `${text} ${YES_NO[language]}`;
    case "dropdown":
    case "multiple_choice":
      return [text, ...element.items.map((item, i) => `${i + 1}. ${pick(item, language, survey)}`)].join("\n");
  }
}
