// What the customer receives (notify's message, start's system message) and what only the
// agent sees (start's imported customer message carrying the reason), in the tenant's
// language; a tenant can replace any of them.
import type { DeflectionConfig } from "./config.ts";
import type { Language } from "./prompts.ts";

const DEFAULTS: Record<Language, { notify: string; system: string; imported: string }> = {
  fr: {
    notify: "Suite à votre appel, vous pouvez continuer ici par écrit avec un conseiller. Répondez à ce message quand vous êtes prêt.",
    system: "Merci de nous avoir contactés. Un conseiller vous répond ici dès que possible.",
    imported: "Client venant du serveur vocal : {reason}",
  },
  en: {
    notify: "Following your call, you can carry on here in writing with an advisor. Reply to this message when you are ready.",
    system: "Thanks for contacting us. An advisor will be with you here as soon as possible.",
    imported: "IVR caller needs help with: {reason}",
  },
};

export interface MessageTexts {
  notify: string;
  system: string;
  imported: string;
}

export function textsFor(language: Language, settings: Pick<DeflectionConfig, "texts">, vars: { reason?: string | undefined; topic?: string | undefined }): MessageTexts {
  const own = settings.texts[language] ?? {};
  const fill = (t: string) => t.replaceAll("{reason}", vars.reason ?? vars.topic ?? "-").replaceAll("{topic}", vars.topic ?? "-");
  return {
    notify: fill(own.notify ?? DEFAULTS[language].notify),
    system: fill(own.system ?? DEFAULTS[language].system),
    imported: fill(own.imported ?? DEFAULTS[language].imported),
  };
}
