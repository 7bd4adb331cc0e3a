// The demo's SMS survey, sent after each scheduled callback: a text, a scale, a comment.
export const DEMO_SURVEY = {
  id: "after-callback",
  name: "Après un rappel",
  defaultLanguage: "fr",
  elements: [
    { id: "intro", type: "text", text: { fr: "Acme Motors vous a rappelé : merci de votre confiance.", en: "Acme Motors called you back: thank you." } },
    {
      id: "satisfaction",
      type: "scale",
      min: 1,
      max: 10,
      text: { fr: "De 1 à 10, êtes-vous satisfait de ce rappel ?", en: "From 1 to 10, how satisfied are you with the callback?" },
      rules: [{ when: "range", min: 1, max: 4, goTo: "comment" }],
    },
    { id: "recommend", type: "yes_no", text: { fr: "Nous recommanderiez-vous ?", en: "Would you recommend us?" }, rules: [{ when: "equals", value: true, goTo: "comment" }] },
    { id: "comment", type: "free_text", text: { fr: "Un commentaire ?", en: "Any comment?" } },
  ],
  texts: {
    completion: { fr: "Merci pour vos réponses !", en: "Thank you for your answers!" },
    unavailable: { fr: "Cette enquête n'est plus disponible.", en: "This survey is no longer available." },
    notFound: { fr: "Nous n'avons pas d'enquête pour ce numéro.", en: "We have no survey for this number." },
    error: { fr: "Désolé, je n'ai pas compris.", en: "Sorry, I did not understand." },
  },
};
