// The request path as it may be logged: an endpoint key travels in the path
// (/escalations/<key>/callback), so every segment long enough to be one is masked.
import { MIN_KEY_LENGTH } from "../outreach/keys.ts";

export function loggablePath(path: string): string {
  return path
    .split("/")
    .map((segment) => (segment.length >= MIN_KEY_LENGTH ? ":redacted" : segment))
    .join("/");
}
