// One error type with a code, and the JSON envelope every error answer uses.
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const ErrorCodes = {
  unsupported_media_type: 415,
  payload_too_large: 413,
  invalid_signature: 401,
  unauthorized: 401,
  invalid_payload: 400,
  invalid_request: 400,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  misconfigured: 503,
  unavailable: 503,
  storage_unavailable: 503,
  internal: 500,
} as const satisfies Record<string, ContentfulStatusCode>;
export type ErrorCode = keyof typeof ErrorCodes;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown; requestId?: string };
}

/**
 * An expected failure. `message` is for the caller; `detail` is for the log.
 * Neither may carry a secret or personal data.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, message: string, opts: { details?: unknown; detail?: string } = {}) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = opts.details;
    this.detail = opts.detail;
  }

  get status(): ContentfulStatusCode {
    return ErrorCodes[this.code];
  }

  toBody(requestId?: string): ErrorBody {
    const error: ErrorBody["error"] = { code: this.code, message: this.message };
    if (this.details !== undefined) error.details = this.details;
    if (requestId !== undefined) error.requestId = requestId;
    return { error };
  }
}

export function errorBody(code: ErrorCode, message: string, requestId?: string): ErrorBody {
  return { error: { code, message, ...(requestId !== undefined ? { requestId } : {}) } };
}
