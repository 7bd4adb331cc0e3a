// Project ids for test tenants: every test file shares one D1, so ids are drawn from ten
// digits (a collision among a run's few hundred tenants is about one in a hundred thousand
// runs), never from the small ranges where two files' tenants could meet.
export function uniqueProjectId(): number {
  return 1_000_000_000 + Math.floor(Math.random() * 8_999_999_999);
}
