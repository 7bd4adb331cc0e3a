// The transcript for the CRM: who said what and when, without the markers, as the
// visitor saw it, bounded to a size with a visible note when it is cut.
import { stripMarkers } from "./markers.ts";
import type { ChatMessage, Role } from "./messages.ts";
import { inTimeOrder } from "./extract.ts";

const LABEL: Record<Role, string> = { operator: "Operator", bot: "Bot", visitor: "Visitor", system: "System" };

/** Salesforce long text areas hold at most 131,072 characters. */
export const DEFAULT_TRANSCRIPT_LIMIT = 131_072;

export interface Transcript {
  text: string;
  truncated: boolean;
  messagesShown: number;
  messagesTotal: number;
}

function stamp(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export function buildTranscript(messages: readonly ChatMessage[], maxChars = DEFAULT_TRANSCRIPT_LIMIT): Transcript {
  const lines: string[] = [];
  for (const m of inTimeOrder(messages)) {
    const text = stripMarkers(m.text);
    if (text.length > 0) lines.push(`[${stamp(m.createdAt)}] ${LABEL[m.role]}: ${text}`);
  }
  const full = lines.join("\n");
  if (full.length <= maxChars) {
    return { text: full, truncated: false, messagesShown: lines.length, messagesTotal: lines.length };
  }

  const note = (shown: number) => `\n[… transcript truncated: ${shown} of ${lines.length} messages shown]`;
  const budget = Math.max(0, maxChars - note(lines.length).length);
  let used = 0;
  let shown = 0;
  const kept: string[] = [];
  for (const line of lines) {
    const cost = line.length + (kept.length > 0 ? 1 : 0);
    if (used + cost > budget) {
      // A first line longer than the whole budget is cut rather than dropped.
      if (kept.length === 0 && budget > 1) {
        kept.push(`${line.slice(0, budget - 1)}…`);
        shown = 1;
      }
      break;
    }
    kept.push(line);
    used += cost;
    shown++;
  }
  const text = (kept.join("\n") + note(shown)).slice(0, maxChars);
  return { text, truncated: true, messagesShown: shown, messagesTotal: lines.length };
}
