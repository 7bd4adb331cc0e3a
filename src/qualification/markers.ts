// The invisible `[](Qn)` marker operators and bots put before a tagged question, read
// the way people actually type it: `[ ](Q1)`, `[](q1)`, `[](Q 1)`, `\[\](Q1)`, anywhere
// in the message, with markdown around it.

// An empty link text (spaces allowed, not line breaks; brackets optionally escaped), then (Qn).
const MARKER = /\\?\[[ \t]*\\?\]\([ \t]*[Qq][ \t]*0*([1-9]\d{0,2})[ \t]*\)/g;

/** The tags a message carries, in order of appearance: "Q1", "Q2" … */
export function markersIn(text: string): string[] {
  return [...text.matchAll(MARKER)].map((m) => `Q${m[1]}`);
}

// Emphasis that wrapped only a marker (`**[](Q1)**`) goes with it.
const SENTINEL = "\u0000";
const WRAPPED_SENTINEL = /(\*{1,3}|_{1,3}|~~)\s*\u0000\s*\1/g;

/** The text without its markers, as the visitor saw it. */
export function stripMarkers(text: string): string {
  let out = text.replaceAll(SENTINEL, "");
  // Removing one marker can join its neighbours into another (`[[](Q1)](Q2)`): repeat until none is left.
  for (let previous = ""; previous !== out; ) {
    previous = out;
    out = out.replace(MARKER, SENTINEL).replace(WRAPPED_SENTINEL, SENTINEL).replaceAll(SENTINEL, "");
  }
  return out.replace(/[ \t]{2,}/g, " ").trim();
}
