// What any failed request answers (status and JSON envelope), and the log line it leaves.
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AppError, errorBody } from "../errors.ts";
import type { ErrorBody } from "../errors.ts";
import { DecryptionError } from "../secrets/cipher.ts";
import { errorFields, log } from "../log.ts";
import { loggablePath } from "./log-path.ts";

export function errorAnswer(err: unknown, path: string, requestId: string | undefined): { body: ErrorBody; status: ContentfulStatusCode } {
  if (err instanceof AppError) {
    if (err.status >= 500) log.error("request.failed", { path: loggablePath(path), ...errorFields(err) });
    return { body: err.toBody(requestId), status: err.status };
  }
  if (err instanceof DecryptionError) {
    log.error("request.failed", { path: loggablePath(path), code: "misconfigured", detail: "tenant secrets unreadable" });
    const message = "This tenant's secrets cannot be opened with the ENCRYPTION_KEY values set: put back the key they were sealed with.";
    return { body: errorBody("misconfigured", message, requestId), status: 503 };
  }
  log.error("request.crashed", { path: loggablePath(path), ...errorFields(err) });
  return { body: errorBody("internal", "An unexpected error occurred; it has been logged.", requestId), status: 500 };
}
