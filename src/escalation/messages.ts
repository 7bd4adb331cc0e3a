// The sentences the bot shows the visitor, in the tenant's language (French and English),
// one per outcome; a tenant can replace any of them. {phone} is the number as understood;
// {options}, the number written with each possible country code.
import { PHONE_PROBLEMS } from "../outreach/phone.ts";

export type Language = "fr" | "en";

/** One sentence per outcome; the problems of a number are phone.ts's own list, so a new one needs its sentence here. */
export const MESSAGE_KEYS = [
  "scheduled",
  "pending",
  ...PHONE_PROBLEMS,
  "extension_not_supported",
  "number_refused",
  "consent_required",
  "rate_limited",
  "provider_refused",
] as const;
export type MessageKey = (typeof MESSAGE_KEYS)[number];

const DEFAULTS: Record<Language, Record<MessageKey, string>> = {
  fr: {
    scheduled: "C'est noté : un conseiller va vous rappeler au {phone}.",
    pending: "Votre demande de rappel au {phone} est bien enregistrée ; un conseiller vous appellera dès que possible.",
    empty: "Je n'ai pas reçu de numéro. Pouvez-vous indiquer le numéro auquel vous rappeler ?",
    not_a_number: "Ce n'est pas un numéro de téléphone. Pouvez-vous l'écrire à nouveau, par exemple 06 12 34 56 78 ?",
    too_short: "Ce numéro semble trop court : il manque sans doute un chiffre. Pouvez-vous le vérifier ?",
    too_long: "Ce numéro semble trop long : un chiffre de trop, peut-être. Pouvez-vous le vérifier ?",
    invalid: "Ce numéro n'existe pas tel quel. Pouvez-vous le vérifier et l'écrire à nouveau ?",
    ambiguous_country: "Ce numéro existe dans plusieurs pays. Pouvez-vous l'écrire avec l'indicatif du pays, par exemple {options} ?",
    extension_not_supported: "Notre plateforme d'appel ne peut pas composer de poste. Avez-vous un numéro direct où vous joindre ?",
    country_not_served: "Nous ne pouvons pas appeler ce pays. Avez-vous un autre numéro où vous joindre ?",
    number_type_not_allowed: "Nous ne pouvons pas appeler ce type de numéro (surtaxé ou spécial). Avez-vous un numéro de mobile ou de fixe ?",
    number_refused: "Notre plateforme d'appel ne peut pas joindre ce numéro. Avez-vous un autre numéro ?",
    consent_required: "Pour vous rappeler, nous avons besoin de votre accord. Acceptez-vous d'être rappelé ?",
    rate_limited: "Vous avez déjà demandé à être rappelé ; un conseiller vous appellera bientôt.",
    provider_refused: "Nous ne pouvons pas programmer de rappel pour le moment. Un conseiller peut continuer avec vous ici.",
  },
  en: {
    scheduled: "Done: an advisor will call you back on {phone}.",
    pending: "Your callback request for {phone} is registered; an advisor will call you as soon as possible.",
    empty: "I did not get a number. Which number should we call you on?",
    not_a_number: "That is not a phone number. Could you type it again, for example +44 7700 900123?",
    too_short: "That number looks too short: a digit may be missing. Could you check it?",
    too_long: "That number looks too long: one digit too many, perhaps. Could you check it?",
    invalid: "That number does not exist as written. Could you check it and type it again?",
    ambiguous_country: "That number exists in more than one country. Could you type it with the country code, for example {options}?",
    extension_not_supported: "Our call platform cannot dial an extension. Do you have a direct number we can reach you on?",
    country_not_served: "We cannot call that country. Do you have another number we can reach you on?",
    number_type_not_allowed: "We cannot call that kind of number (premium-rate or special). Do you have a mobile or landline number?",
    number_refused: "Our call platform cannot reach that number. Do you have another one?",
    consent_required: "To call you back we need your agreement. Do you agree to be called?",
    rate_limited: "You have already asked for a callback; an advisor will call you soon.",
    provider_refused: "We cannot schedule a callback right now. An advisor can carry on with you here.",
  },
};

export function languageOf(requested: string | undefined, fallback: Language): Language {
  const base = requested?.trim().toLowerCase().slice(0, 2);
  return base === "fr" || base === "en" ? base : fallback;
}

export function message(
  language: Language,
  key: MessageKey,
  overrides: Partial<Record<Language, Record<string, string> | undefined>>,
  vars: { phone?: string; options?: readonly string[] } = {},
): string {
  const template = overrides[language]?.[key] ?? DEFAULTS[language][key];
  const options = (vars.options ?? []).join(language === "fr" ? " ou " : " or ");
  return template.replaceAll("{phone}", vars.phone ?? "").replaceAll("{options}", options);
}
