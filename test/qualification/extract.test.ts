// [](Qn) extraction on realistic conversations, and properties on free text.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { extractAnswers } from "../../src/qualification/extract.ts";
import { markersIn, stripMarkers } from "../../src/qualification/markers.ts";
import type { ChatMessage, Role } from "../../src/qualification/messages.ts";
import { conversations } from "../fixtures/conversations/index.ts";

let clock = Date.parse("2026-11-20T09:00:00Z");
const msg = (role: Role, text: string): ChatMessage => ({ role, text, createdAt: new Date((clock += 1000)).toISOString() });

describe("extractAnswers: the car dealer conversation", () => {
  const result = extractAnswers(conversations.carDealer);

  it("joins an answer given in two messages, across operator chatter", () => {
    expect(result.answers.Q1).toEqual({
      question: "Hello Jane, I'm Paul. Which vehicle are you interested in?",
      answer: "The new Zoe\nin blue if possible",
      answeredAt: "2026-11-20T09:13:29.000Z",
    });
  });

  it("reads a marker typed with a space, in lower case, inside markdown", () => {
    expect(result.answers.Q2).toMatchObject({ question: "Which engine would you prefer: electric or hybrid?", answer: "electric" });
  });

  it("keeps the bot's email question, across a system message", () => {
    expect(result.answers.Q4?.answer).toBe("sure, it's jane.doe@example.com");
  });

  it("reports the question nobody answered as unanswered, not as an empty string", () => {
    expect(result.unanswered).toEqual(["Q3"]);
    expect(result.answers.Q3).toBeUndefined();
    expect(Object.keys(result.answers)).toEqual(["Q1", "Q2", "Q4"]);
  });
});

describe("extractAnswers: rules", () => {
  it("takes the later answer of a question asked again", () => {
    const r = extractAnswers([msg("bot", "[](Q1) Your email?"), msg("visitor", "no"), msg("bot", "[](Q1) Sorry, your email please?"), msg("visitor", "a@b.co")]);
    expect(r.answers.Q1).toMatchObject({ question: "Sorry, your email please?", answer: "a@b.co" });
  });

  it("keeps the first answer when the question asked again gets none", () => {
    const r = extractAnswers([msg("bot", "[](Q1) Car?"), msg("visitor", "Zoe"), msg("bot", "[](Q1) Car, to confirm?")]);
    expect(r.answers.Q1?.answer).toBe("Zoe");
    expect(r.unanswered).toEqual([]);
  });

  it("ends an answer at the next tagged question only", () => {
    const r = extractAnswers([
      msg("operator", "[](Q1) Which model?"),
      msg("visitor", "Zoe"),
      msg("system", "Paul joined"),
      msg("operator", "noted"),
      msg("visitor", "or Clio"),
      msg("operator", "[](Q2) Budget?"),
      msg("visitor", "20k"),
    ]);
    expect(r.answers).toMatchObject({ Q1: { answer: "Zoe\nor Clio" }, Q2: { answer: "20k" } });
  });

  it("ignores what the visitor says before any tagged question", () => {
    const r = extractAnswers([msg("visitor", "hello"), msg("operator", "[](Q1) Model?"), msg("visitor", "Zoe")]);
    expect(r.answers.Q1?.answer).toBe("Zoe");
  });

  it("never forms a marker by joining the messages of an answer", () => {
    // Found by the property below: "[" and "](Q1)" joined with a line break.
    const r = extractAnswers([msg("operator", "[](Q1)"), msg("visitor", "["), msg("visitor", "](Q1)")]);
    expect(markersIn(r.answers.Q1?.answer ?? "")).toEqual([]);
  });

  it("does not treat a visitor's marker as a question", () => {
    const r = extractAnswers([msg("visitor", "[](Q1) what?"), msg("visitor", "x")]);
    expect(r).toEqual({ answers: {}, unanswered: [] });
  });

  it("orders messages by time, whatever order they come in", () => {
    const q = msg("bot", "[](Q1) Model?");
    const a = msg("visitor", "Zoe");
    expect(extractAnswers([a, q]).answers.Q1?.answer).toBe("Zoe");
  });

  it("with several markers in one message, the last question is the one answered", () => {
    const r = extractAnswers([msg("bot", "[](Q1) Name? [](Q2) Email?"), msg("visitor", "a@b.co")]);
    expect(r.answers.Q2?.answer).toBe("a@b.co");
    expect(r.unanswered).toEqual(["Q1"]);
  });

  it.each([
    ["[[](Q1)](Q2)", ""],
    ["**[](Q1)** Model?", "Model?"],
    ["__[](Q1)__ Model? **really**", "Model? **really**"],
  ])("strips %j to %j", (input, output) => {
    expect(stripMarkers(input)).toBe(output);
  });

  it.each([
    ["[](Q1)", ["Q1"]],
    ["[ ](Q1)", ["Q1"]],
    ["[](q1)", ["Q1"]],
    ["[  ]( Q 12 )", ["Q12"]],
    ["\\[\\](Q3)", ["Q3"]],
    ["text [](Q01) more", ["Q1"]],
    ["_[](Q2)_", ["Q2"]],
    ["[x](Q1)", []],
    ["[](Q)", []],
    ["[](Q0)", []],
    ["(Q1)", []],
    ["[\n](Q1)", []],
  ])("reads %j as %j", (text, tags) => {
    expect(markersIn(text)).toEqual(tags);
  });
});

const roles = fc.constantFrom<Role>("operator", "bot", "visitor", "system");
const markerish = fc.constantFrom("[](Q1)", "[ ](q2)", "\\[\\](Q3)", "[](Q 4)", "[](Q", "](Q1)", "[", "]", "(Q1)", "[](Q999)", "[](Q1000)", "**", "_");
const text = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.array(fc.oneof(fc.string({ maxLength: 10 }), markerish), { maxLength: 8 }).map((parts) => parts.join(" ")),
  // Glued without spaces, so that removing one marker can form another.
  fc.array(fc.oneof(fc.string({ maxLength: 3 }), markerish), { maxLength: 8 }).map((parts) => parts.join("")),
);
const message = fc.record({ role: roles, text, createdAt: fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }).map((d) => d.toISOString()) });

describe("extractAnswers: properties on free text", () => {
  it("never throws, and never lets a marker into a question or an answer", () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 30 }), (messages) => {
        const r = extractAnswers(messages);
        for (const a of Object.values(r.answers)) {
          expect(markersIn(a.question)).toEqual([]);
          expect(markersIn(a.answer)).toEqual([]);
          expect(a.answer.length).toBeGreaterThan(0);
        }
        for (const tag of r.unanswered) expect(r.answers[tag]).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it("stripping markers leaves none behind, even when removal joins pieces into a new one", () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(markersIn(stripMarkers(t))).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });
});
