// Project ids for test tenants: every test file shares one D1, so ids are drawn from ten
// digits (a collision among a run's thousand tenants: about one run in two thousand),
// never from the small ranges where two files' tenants could meet. Below 2^31: iAdvize's
// GraphQL takes a project id as an Int.
export function uniqueProjectId(): number {
  return 1_000_000_000 + Math.floor(Math.random() * 1_147_483_647);
}
