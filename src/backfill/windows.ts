// The range of a backfill cut into consecutive windows `[from, to)` of the length
// closedConversations is asked for; pure.
import { CLOSED_CONVERSATIONS_WINDOW_MS } from "../iadvize/assumptions.ts";

export interface Window {
  from: Date;
  to: Date;
}

/** The window that starts at `windowFrom`, cut at the end of the range; null once the range is read. */
export function windowAt(windowFrom: Date, rangeTo: Date, windowMs = CLOSED_CONVERSATIONS_WINDOW_MS): Window | null {
  if (windowFrom.getTime() >= rangeTo.getTime()) return null;
  return { from: windowFrom, to: new Date(Math.min(windowFrom.getTime() + windowMs, rangeTo.getTime())) };
}

