// A customer's SMS read as an answer to the element it replies to: a number in the
// scale's range, an item number (listed from 1, stored from 0), several for a multiple
// choice, yes or no in the survey languages, or free text; and the opt-out keywords.
import type { Question } from "./definition.ts";

export type AnswerValue = number | number[] | boolean | string;
export type Parsed = { ok: true; value: AnswerValue } | { ok: false };

export const FREE_TEXT_MAX = 1600;

const YES = new Set(["yes", "y", "yeah", "yep", "oui", "o", "ouais", "ja", "j", "1"]);
const NO = new Set(["no", "n", "nope", "non", "nei", "nein", "0"]);
/** The keywords carriers and Twilio treat as an opt-out, and their French forms. */
const OPT_OUT = new Set(["stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "revoke", "arret", "arrêt", "arreter", "arrêter", "desabonner", "désabonner", "stop sms"]);
const OPT_IN = new Set(["start", "unstop", "subscribe"]);

const normal = (text: string) => text.trim().toLowerCase().replace(/[.!?\s]+$/u, "").replace(/\s+/gu, " ");

export const isOptOut = (text: string): boolean => OPT_OUT.has(normal(text));
export const isOptIn = (text: string): boolean => OPT_IN.has(normal(text));

/** A whole number typed alone, e.g. "7", " 7 ", "7.", "7/10". */
function integer(text: string): number | undefined {
  const m = /^(\d{1,3})(?:\s*\/\s*\d{1,3})?$/u.exec(normal(text));
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

export function parseReply(element: Question, text: string): Parsed {
  switch (element.type) {
    case "scale": {
      const n = integer(text);
      return n !== undefined && n >= element.min && n <= element.max ? { ok: true, value: n } : { ok: false };
    }
    case "dropdown": {
      const n = integer(text);
      // Listed from 1 for the customer, stored from 0.
      return n !== undefined && n >= 1 && n <= element.items.length ? { ok: true, value: n - 1 } : { ok: false };
    }
    case "multiple_choice": {
      const parts = normal(text).split(/\s*(?:,|;|\s|&|\+|and|et|og)\s*/u).filter((p) => p.length > 0);
      if (parts.length === 0 || !parts.every((p) => /^\d{1,2}$/u.test(p))) return { ok: false };
      const chosen = [...new Set(parts.map(Number))].sort((a, b) => a - b);
      if (chosen.some((n) => n < 1 || n > element.items.length)) return { ok: false };
      return { ok: true, value: chosen.map((n) => n - 1) };
    }
    case "yes_no": {
      const word = normal(text);
      if (YES.has(word)) return { ok: true, value: true };
      if (NO.has(word)) return { ok: true, value: false };
      return { ok: false };
    }
    case "free_text": {
      const t = text.trim();
      return t.length > 0 && t.length <= FREE_TEXT_MAX ? { ok: true, value: t } : { ok: false };
    }
  }
}
