// What the IVR reads out to the caller, one short sentence per answer, written for
// text-to-speech (no symbols, no number read digit by digit), in the tenant's language;
// a tenant can replace any of them. {channel} is the channel used, spoken.
import type { Platform } from "./config.ts";

export type Language = "fr" | "en";

export const PROMPT_KEYS = ["sent", "pending", "invalid_phone", "not_mobile", "consent_required", "rate_limited", "rejected"] as const;
export type PromptKey = (typeof PROMPT_KEYS)[number];

const DEFAULTS: Record<Language, Record<PromptKey, string>> = {
  fr: {
    sent: "Nous venons de vous envoyer un message {channel}. Répondez-y pour continuer par écrit avec un conseiller. Vous pouvez raccrocher.",
    pending: "Votre message est en cours d'envoi. Vous le recevrez dans quelques instants. Vous pouvez raccrocher.",
    invalid_phone: "Nous n'avons pas pu lire votre numéro de téléphone. Nous restons en ligne avec vous.",
    not_mobile: "Votre numéro ne peut pas recevoir de messages écrits. Nous restons en ligne avec vous.",
    consent_required: "Sans votre accord, nous ne pouvons pas vous écrire. Nous restons en ligne avec vous.",
    rate_limited: "Nous vous avons déjà écrit récemment. Répondez à ce message, ou restez en ligne.",
    rejected: "Nous ne pouvons pas vous écrire pour le moment. Nous restons en ligne avec vous.",
  },
  en: {
    sent: "We have just sent you a {channel} message. Reply to it to carry on in writing with an advisor. You can hang up now.",
    pending: "Your message is on its way and should arrive in a moment. You can hang up now.",
    invalid_phone: "We could not read your phone number. Please stay on the line.",
    not_mobile: "Your number cannot receive text messages. Please stay on the line.",
    consent_required: "Without your agreement we cannot write to you. Please stay on the line.",
    rate_limited: "We have written to you recently. Please reply to that message, or stay on the line.",
    rejected: "We cannot write to you right now. Please stay on the line.",
  },
};

const SPOKEN: Record<Language, Record<Platform, string>> = {
  fr: { SMS: "SMS", WhatsApp: "WhatsApp", AppleMessages: "Apple Messages", GoogleMessages: "Google Messages" },
  en: { SMS: "text", WhatsApp: "WhatsApp", AppleMessages: "Apple Messages", GoogleMessages: "Google Messages" },
};

export function languageOf(requested: string | undefined, fallback: Language): Language {
  const base = requested?.trim().toLowerCase().slice(0, 2);
  return base === "fr" || base === "en" ? base : fallback;
}

export function prompt(language: Language, key: PromptKey, overrides: Partial<Record<Language, Record<string, string> | undefined>>, channel?: Platform | null): string {
  const template = overrides[language]?.[key] ?? DEFAULTS[language][key];
  return template.replaceAll("{channel}", channel ? SPOKEN[language][channel] : "").replace(/\s{2,}/g, " ");
}
