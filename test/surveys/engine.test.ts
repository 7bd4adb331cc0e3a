// The engine, pure: first SMS, reply parsing (items shifted by one), rules, re-asking,
// the end, expiry with the clock passed in.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Survey } from "../../src/surveys/definition.ts";
import { matches, reply, sessionLanguage, start } from "../../src/surveys/engine.ts";
import type { SessionState } from "../../src/surveys/engine.ts";
import { isOptOut, parseReply } from "../../src/surveys/replies.ts";
import { SURVEY } from "../helpers/surveys.ts";

const survey = Survey.parse(SURVEY);
const now = new Date("2026-11-21T10:00:00Z");
const at = (current: string, extra: Partial<SessionState> = {}): SessionState => ({ status: "active", current, language: "en", expiresAt: new Date("2026-11-22T10:00:00Z"), ...extra });
const question = (id: string) => {
  const e = survey.elements.find((x) => x.id === id);
  if (!e || e.type === "text") throw new Error(id);
  return e;
};

describe("survey engine", () => {
  it("starts with every text before the first question, the content before the first SMS", () => {
    expect(start(survey, "en")).toEqual({
      current: "nps",
      messages: [
        { kind: "text", text: "Thanks for calling Acme Motors." },
        { kind: "question", text: "How likely are you to recommend us? (0-10)" },
      ],
    });
    expect(start(survey, "en", "Hi Jane").messages[0]?.text).toBe("Hi Jane\n\nThanks for calling Acme Motors.");
  });

  it("lists drop-down items from 1 and stores them from 0", () => {
    expect(parseReply(question("reason"), "1")).toEqual({ ok: true, value: 0 });
    expect(parseReply(question("reason"), "3")).toEqual({ ok: true, value: 2 });
    expect(parseReply(question("reason"), "0")).toEqual({ ok: false });
    expect(parseReply(question("reason"), "4")).toEqual({ ok: false });
  });

  it("takes several items for a multiple choice, shifted by one", () => {
    const multi = Survey.parse({ ...SURVEY, elements: [{ id: "m", type: "multiple_choice", text: { en: "Which?" }, items: [{ en: "a" }, { en: "b" }, { en: "c" }] }] }).elements[0];
    if (!multi || multi.type !== "multiple_choice") throw new Error("multi");
    expect(parseReply(multi, "3, 1 and 3")).toEqual({ ok: true, value: [0, 2] });
    expect(parseReply(multi, "1 4")).toEqual({ ok: false });
  });

  it("keeps a scale's answer inside its range, whatever is typed", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const r = parseReply(question("nps"), text);
        return !r.ok || (typeof r.value === "number" && r.value >= 0 && r.value <= 10);
      }),
    );
    expect(parseReply(question("nps"), " 7/10. ")).toEqual({ ok: true, value: 7 });
    expect(parseReply(question("nps"), "7.5")).toEqual({ ok: false });
  });

  it("reads yes and no in English, French and Norwegian", () => {
    for (const yes of ["Yes", "oui", "JA", "y"]) expect(parseReply(question("recontact"), yes)).toEqual({ ok: true, value: true });
    for (const no of ["no!", "Non", "nei"]) expect(parseReply(question("recontact"), no)).toEqual({ ok: true, value: false });
  });

  it("matches rules: equals, a range, one of", () => {
    expect(matches({ when: "equals", value: 2, goTo: "x" }, 2)).toBe(true);
    expect(matches({ when: "equals", value: "Blue", goTo: "x" }, " blue ")).toBe(true);
    expect(matches({ when: "range", min: 9, max: 10, goTo: "x" }, 8)).toBe(false);
    expect(matches({ when: "one_of", values: [0, 2], goTo: "x" }, [1, 2])).toBe(true);
  });

  it("routes by the first matching rule, else to the next element, and ends with the completion text", () => {
    const promoter = reply(survey, at("nps"), "9", now);
    expect(promoter).toMatchObject({ kind: "answered", value: 9, current: null, messages: [{ kind: "completion", text: "Thank you for your answers!" }] });
    expect(reply(survey, at("nps"), "8", now)).toMatchObject({ kind: "answered", current: "reason" });
    expect(reply(survey, at("reason"), "3", now)).toMatchObject({ kind: "answered", value: 2, current: "comment" });
  });

  it("asks again with the error text first after an invalid answer", () => {
    expect(reply(survey, at("nps"), "great", now)).toEqual({ kind: "invalid", messages: [{ kind: "error", text: "Sorry, we did not understand.\nHow likely are you to recommend us? (0-10)" }] });
  });

  it("answers 'survey unavailable' after the end or the expiry (the clock is passed in)", () => {
    expect(reply(survey, at("nps", { status: "completed", current: null }), "5", now).kind).toBe("unavailable");
    expect(reply(survey, at("nps"), "5", new Date("2026-11-22T10:00:00Z")).kind).toBe("unavailable");
    expect(reply(survey, at("nps"), "5", new Date("2026-11-22T09:59:59Z")).kind).toBe("answered");
  });

  it("chooses the send's language when the survey has it", () => {
    expect(sessionLanguage(survey, "fr-FR")).toBe("fr");
    expect(sessionLanguage(survey, "no")).toBe("en");
    expect(sessionLanguage(survey, undefined)).toBe("en");
  });

  it("recognises STOP and ARRET, not a sentence that contains them", () => {
    for (const w of ["STOP", "stop.", " Arrêt ", "ARRET", "unsubscribe"]) expect(isOptOut(w)).toBe(true);
    for (const w of ["please don't stop", "7", "stopper"]) expect(isOptOut(w)).toBe(false);
  });
});

describe("survey definitions", () => {
  it("refuse a backward jump, a missing default text, a duplicate id and a survey without questions", () => {
    const bad = Survey.safeParse({
      ...SURVEY,
      elements: [
        { id: "a", type: "text", text: { fr: "Bonjour" } },
        { id: "b", type: "scale", min: 1, max: 5, text: { en: "Q" }, rules: [{ when: "equals", value: 1, goTo: "a" }] },
        { id: "b", type: "yes_no", text: { en: "Q2" } },
      ],
    });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(paths).toEqual(expect.arrayContaining(["elements", "elements.0.text", "elements.1.rules.0.goTo"]));
    expect(Survey.safeParse({ ...SURVEY, elements: [{ id: "a", type: "text", text: { en: "Hi" } }] }).success).toBe(false);
  });
});
