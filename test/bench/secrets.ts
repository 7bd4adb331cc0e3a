// Secrets for a benchmark's Worker: fixed tokens, and a fresh encryption key each run.
export function benchSecrets() {
  return {
    IADVIZE_WEBHOOK_SECRET: "bench-webhook-secret",
    ADMIN_TOKEN: "bench-admin-token-0123456789",
    ENCRYPTION_KEY: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))),
  };
}
