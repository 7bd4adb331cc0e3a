// Tenant and project ids for tests: random over the whole 31-bit range a GraphQL Int
// holds, so tests that share one D1 never pick the same tenant by chance.
const LOW = 1_000_000_000;
const SPAN = 2_147_483_647 - LOW;

/** A project id no other test is likely to hold (one chance in about a million per pair). */
export function uniqueProjectId(): number {
  const [n] = crypto.getRandomValues(new Uint32Array(1));
  return LOW + ((n ?? 0) % SPAN);
}

/** `ha-<uniqueProjectId()>`. */
export function uniqueTenantId(): string {
  return `ha-${uniqueProjectId()}`;
}
