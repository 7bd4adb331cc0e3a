// A developer's .dev.vars as the tests must ignore it: a secret the tests also set, a
// setting they leave to its default, and a name only this file has.
export const POISONED_DEV_VARS = {
  ADMIN_TOKEN: "poisoned-admin-token-from-dev-vars",
  SYNC_GIVE_UP_HOURS: "1",
  DEV_VARS_ONLY: "poison",
};
