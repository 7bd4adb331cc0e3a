// The secrets the test Worker runs with. Two webhook secrets: the current one and the
// one being rotated out.
export const WEBHOOK_SECRET = "whsec-current-5f2a9c";
export const OLD_WEBHOOK_SECRET = "whsec-previous-81be07";
export const ADMIN_TOKEN = "admin-token-for-tests-0123456789";
// base64 of 32 bytes; fixed so test runs are reproducible.
export const ENCRYPTION_KEY = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";

export const TEST_SECRETS = {
  IADVIZE_WEBHOOK_SECRET: `${WEBHOOK_SECRET},${OLD_WEBHOOK_SECRET}`,
  ADMIN_TOKEN,
  ENCRYPTION_KEY,
};
