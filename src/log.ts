// Structured logs with personal data and secrets kept out by construction.
// Only scalar fields are logged, and any field whose name suggests a secret or
// personal data is replaced, so a careless call cannot leak an email or a phone.
import { AsyncLocalStorage } from "node:async_hooks";
import { AppError } from "./errors.ts";

type Scalar = string | number | boolean | null | undefined;
/** A list of flat records (e.g. a batch's event ids), each field redacted as a top-level one. */
export type LogRows = readonly Readonly<Record<string, Scalar>>[];
export type LogFields = Record<string, Scalar | LogRows>;

const SENSITIVE = /(email|phone|mail|text|message_text|body|password|secret|token|key|authorization|name|comment|answer|transcript)/i;
// Names that match the pattern above but carry no personal data.
const ALLOWED = new Set(["eventId", "tenantId", "conversationId", "eventType"]);

// Field names are written in the code, so there are few of them: each verdict is kept.
const redacted = new Map<string, boolean>();

function isRedacted(name: string): boolean {
  let verdict = redacted.get(name);
  if (verdict === undefined) {
    verdict = SENSITIVE.test(name) && !ALLOWED.has(name);
    redacted.set(name, verdict);
  }
  return verdict;
}

// Fields every line logged within a piece of work carries (a request's id).
const context = new AsyncLocalStorage<LogFields>();

/** Runs `fn` so that every line it logs, however deep, carries `fields`. */
export function withLogContext<T>(fields: LogFields, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

function emit(level: "info" | "warn" | "error", event: string, fields: LogFields): void {
  const out: LogFields = { level, event, ...context.getStore() };
  for (const k of Object.keys(fields)) {
    const value = fields[k];
    out[k] = isRedacted(k) ? "[redacted]" : Array.isArray(value) ? value.map(redactRow) : value;
  }
  const line = JSON.stringify(out);
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

function redactRow(row: Readonly<Record<string, Scalar>>): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const k of Object.keys(row)) out[k] = isRedacted(k) ? "[redacted]" : row[k];
  return out;
}

export const log = {
  info: (event: string, fields: LogFields = {}) => emit("info", event, fields),
  warn: (event: string, fields: LogFields = {}) => emit("warn", event, fields),
  error: (event: string, fields: LogFields = {}) => emit("error", event, fields),
};

/** The name of an error and its code if it has one; never its message, which may quote data. */
export function errorFields(err: unknown): LogFields {
  if (err instanceof AppError) return { error: err.name, code: err.code, detail: err.detail };
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { error: err.name, code: typeof code === "string" ? code : undefined };
  }
  return { error: typeof err };
}
