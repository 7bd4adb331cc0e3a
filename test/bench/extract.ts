// Benchmark (not a test): [](Qn) extraction time for 10,000 messages, and how it grows
// from 1,000 to 100,000 (linear expected: the time per message stays flat).
// Usage: npm run bench:extract
import { extractAnswers } from "../../src/qualification/extract.ts";
import type { ChatMessage } from "../../src/qualification/messages.ts";
import { median } from "./load.ts";

/** A long conversation: a tagged question every 8 messages, answers of one to three messages, chatter, system lines. */
function conversation(size: number): ChatMessage[] {
  const start = Date.parse("2026-11-20T09:00:00Z");
  const out: ChatMessage[] = [];
  for (let i = 0; i < size; i++) {
    const createdAt = new Date(start + i * 1000).toISOString();
    const slot = i % 8;
    if (slot === 0) out.push({ role: i % 16 === 0 ? "bot" : "operator", text: `**[](Q${(i / 8) % 40 + 1})** Which option would you like for item ${i}?`, createdAt });
    else if (slot <= 3) out.push({ role: "visitor", text: `I would say option ${i}, with some detail about why, and a question back to you`, createdAt });
    else if (slot === 4) out.push({ role: "system", text: "The visitor is typing", createdAt });
    else out.push({ role: "operator", text: `Noted, thank you (${i})`, createdAt });
  }
  return out;
}

function time(messages: ChatMessage[], repeats: number): number {
  extractAnswers(messages); // warm-up
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const result = extractAnswers(messages);
    samples.push(performance.now() - t0);
    if (Object.keys(result.answers).length === 0) throw new Error("no answers extracted");
  }
  return median(samples);
}

const sizes = [1_000, 10_000, 100_000];
const rows = sizes.map((n) => ({ n, ms: time(conversation(n), n >= 100_000 ? 5 : 15) }));
const per1k = (r: { n: number; ms: number }) => (r.ms / r.n) * 1000;
const first = rows[0];
const last = rows[rows.length - 1];
const lines = [
  "messages     median ms   ms per 1,000 messages",
  ...rows.map((r) => `${String(r.n).padStart(8)}   ${r.ms.toFixed(2).padStart(9)}   ${per1k(r).toFixed(3).padStart(8)}`),
];
if (first && last) {
  lines.push(`growth 1,000 → 100,000: time x${(last.ms / first.ms).toFixed(1)} for x100 messages (per-message cost x${(per1k(last) / per1k(first)).toFixed(2)}; 1.00 is linear)`);
}
process.stdout.write(lines.join("\n") + "\n");
