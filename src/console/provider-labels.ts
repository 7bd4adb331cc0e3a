// The Chat-to-call page's names for each provider and each of its settings, in English and
// French; a setting without a name here shows its configuration key.
import type { Lang } from "./i18n.ts";

export const PROVIDER_NAMES: Record<Lang, Record<string, string>> = {
  en: { webhook: "Signed webhook (any platform)", genesys: "Genesys Cloud", twilio: "Twilio", talkdesk: "Talkdesk", aircall: "Aircall" },
  fr: { webhook: "Webhook signé (toute plateforme)", genesys: "Genesys Cloud", twilio: "Twilio", talkdesk: "Talkdesk", aircall: "Aircall" },
};

export const FIELD_LABELS: Record<Lang, Record<string, string>> = {
  en: {
    url: "Webhook URL",
    secret: "Signing secret",
    apiUrl: "API URL",
    loginUrl: "Login URL",
    clientId: "Client id",
    clientSecret: "Client secret",
    queueId: "Queue id",
    accountSid: "Account SID",
    authToken: "Auth token",
    from: "Caller number (E.164)",
    twimlUrl: "TwiML URL",
    tokenUrl: "Token URL",
    talkdeskPhoneNumber: "Talkdesk number (E.164)",
    apiId: "API id",
    apiToken: "API token",
    userId: "User id",
    numberId: "Number id",
  },
  fr: {
    url: "URL du webhook",
    secret: "Secret de signature",
    apiUrl: "URL de l'API",
    loginUrl: "URL de connexion",
    clientId: "Identifiant client",
    clientSecret: "Secret client",
    queueId: "Identifiant de la file",
    accountSid: "Account SID",
    authToken: "Jeton d'authentification",
    from: "Numéro appelant (E.164)",
    twimlUrl: "URL TwiML",
    tokenUrl: "URL du jeton",
    talkdeskPhoneNumber: "Numéro Talkdesk (E.164)",
    apiId: "Identifiant API",
    apiToken: "Jeton API",
    userId: "Identifiant utilisateur",
    numberId: "Identifiant du numéro",
  },
};
