// A survey as a tenant defines it: ordered elements (texts and questions), rules on
// answers that jump forward, and the texts sent around the questions, per language.
import * as z from "zod";

export const LANGUAGES = ["en", "fr", "no"] as const;
export const Language = z.enum(LANGUAGES);
export type Language = z.infer<typeof Language>;

const Id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "lowercase letters, digits, - and _ (64 at most)");
/** A text per language; the survey's default language is required (checked on the survey). */
const Localized = z.partialRecord(Language, z.string().trim().min(1).max(1000));
export type Localized = z.infer<typeof Localized>;

const Answer = z.union([z.number(), z.boolean(), z.string().min(1).max(200)]);
const Rule = z.discriminatedUnion("when", [
  z.object({ when: z.literal("equals"), value: Answer, goTo: z.string() }).strict(),
  z.object({ when: z.literal("range"), min: z.number(), max: z.number(), goTo: z.string() }).strict(),
  z.object({ when: z.literal("one_of"), values: z.array(Answer).min(1).max(50), goTo: z.string() }).strict(),
]);
export type Rule = z.infer<typeof Rule>;

const base = { id: Id, text: Localized, rules: z.array(Rule).max(20).default([]) };
const Items = z.array(Localized).min(2).max(9);

export const Element = z.discriminatedUnion("type", [
  z.object({ id: Id, type: z.literal("text"), text: Localized }).strict(),
  z.object({ ...base, type: z.literal("scale"), min: z.number().int().min(0).max(100), max: z.number().int().min(1).max(100) }).strict(),
  z.object({ ...base, type: z.literal("dropdown"), items: Items }).strict(),
  z.object({ ...base, type: z.literal("multiple_choice"), items: Items }).strict(),
  z.object({ ...base, type: z.literal("yes_no") }).strict(),
  z.object({ ...base, type: z.literal("free_text") }).strict(),
]);
export type Element = z.infer<typeof Element>;
export type Question = Exclude<Element, { type: "text" }>;

const Texts = z
  .object({
    /** Sent when the last question is answered. */
    completion: Localized,
    /** Sent to a reply after completion or expiry. */
    unavailable: Localized,
    /** Sent to a reply from a number with no survey. */
    notFound: Localized,
    /** Put before a question sent again after an invalid answer. */
    error: Localized,
  })
  .strict();

export const END = "end";

export const Survey = z
  .object({
    id: Id,
    name: z.string().min(1).max(200),
    defaultLanguage: Language,
    elements: z.array(Element).min(1).max(50),
    texts: Texts,
    /** Reported on the Conversation record's Survey_Score_1__c … _3__c, in this order (the scales by default). */
    scoreElements: z.array(Id).max(3).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const ids = s.elements.map((e) => e.id);
    const position = new Map(ids.map((id, i) => [id, i]));
    if (position.size !== ids.length) ctx.addIssue({ code: "custom", path: ["elements"], message: "element ids must be unique" });
    if (!s.elements.some((e) => e.type !== "text")) ctx.addIssue({ code: "custom", path: ["elements"], message: "a survey needs at least one question" });
    const needs = (text: Localized, path: (string | number)[]) => {
      if (!text[s.defaultLanguage]) ctx.addIssue({ code: "custom", path, message: `a text in the default language (${s.defaultLanguage}) is required` });
    };
    s.elements.forEach((e, i) => {
      needs(e.text, ["elements", i, "text"]);
      if (e.type === "text") return;
      if (e.type === "scale" && e.min >= e.max) ctx.addIssue({ code: "custom", path: ["elements", i, "max"], message: "max must be above min" });
      if (e.type === "dropdown" || e.type === "multiple_choice") e.items.forEach((item, j) => needs(item, ["elements", i, "items", j]));
      e.rules.forEach((r, j) => {
        // Forward only: every survey ends.
        const to = position.get(r.goTo);
        if (r.goTo !== END && (to === undefined || to <= i)) {
          ctx.addIssue({ code: "custom", path: ["elements", i, "rules", j, "goTo"], message: `must be "end" or the id of a later element` });
        }
      });
    });
    for (const [key, text] of Object.entries(s.texts)) needs(text, ["texts", key]);
    (s.scoreElements ?? []).forEach((id, i) => {
      const e = s.elements[position.get(id) ?? -1];
      if (!e || (e.type !== "scale" && e.type !== "yes_no" && e.type !== "dropdown")) {
        ctx.addIssue({ code: "custom", path: ["scoreElements", i], message: "must be the id of a scale, drop-down or yes/no element" });
      }
    });
  });
export type Survey = z.infer<typeof Survey>;

/** The elements reported as numbers on the Conversation record: at most three. */
export function scoreElements(survey: Survey): string[] {
  return survey.scoreElements ?? survey.elements.filter((e) => e.type === "scale").slice(0, 3).map((e) => e.id);
}
