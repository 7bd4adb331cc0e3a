// Turns a verified raw body into a plain object, for both content types iAdvize may use.
// The form encoding of arrays is not documented: `operatorIds=1&operatorIds=2`,
// `operatorIds[]=1` and `operatorIds[0]=1` are all read as a list, and a list-typed
// field with a single value is read as a list of one.
import { AppError } from "../errors.ts";
import { mediaType } from "../http/content-type.ts";

export type BodyKind = "json" | "form";

const LIST_FIELDS = new Set(["operatorIds"]);

export function bodyKind(contentType: string | undefined): BodyKind | undefined {
  const type = mediaType(contentType);
  if (type === "application/json") return "json";
  if (type === "application/x-www-form-urlencoded") return "form";
  return undefined;
}

// One decoder per isolate: a whole-buffer decode keeps no state from one call to the next.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function decodeBody(kind: BodyKind, raw: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new AppError("invalid_payload", "The body is not valid UTF-8.");
  }
  return kind === "json" ? decodeJson(text) : decodeForm(text);
}

function decodeJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("invalid_payload", "The body is not valid JSON.");
  }
  // UTF-8 is checked above, but JSON escapes can still write half a character
  // ("\ud800"), which D1 cannot store as it was received.
  if (!wellFormed(value)) throw new AppError("invalid_payload", "The body has a text with an unpaired surrogate (\\ud800-\\udfff).");
  return value;
}

function wellFormed(value: unknown): boolean {
  if (typeof value === "string") return value.isWellFormed();
  if (Array.isArray(value)) return value.every(wellFormed);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).every(([k, v]) => k.isWellFormed() && wellFormed(v));
  }
  return true;
}

function decodeForm(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const key = rawKey.replace(/\[\d*\]$/, "");
    const isList = key !== rawKey || LIST_FIELDS.has(key);
    const existing = out[key];
    if (isList && value === "") out[key] = existing ?? [];
    else if (existing === undefined) out[key] = isList ? [value] : value;
    else out[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}
