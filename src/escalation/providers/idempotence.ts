// Which platforms recognise a repeated request: only the generic webhook, by its Idempotency-Key.
// A repeat to any other may make a second call, so an attempt of unknown outcome is not repeated.
export function isIdempotent(type: string): boolean {
  return type === "webhook";
}
