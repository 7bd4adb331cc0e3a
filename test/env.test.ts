// The Worker's configuration: checked once, a clear error naming what is missing, never a value.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../src/app.ts";
import { checkConfig } from "../src/env.ts";
import { TEST_SECRETS } from "./helpers/secrets.ts";

describe("configuration", () => {
  it("accepts the test secrets, with the webhook secrets as a rotation list", () => {
    const result = checkConfig(TEST_SECRETS);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.config.IADVIZE_WEBHOOK_SECRET).toHaveLength(2);
      expect(result.config.IADVIZE_API_URL).toBe("https://api.iadvize.com");
    }
  });

  it("names each missing or malformed setting", () => {
    const result = checkConfig({ ENCRYPTION_KEY: "c2hvcnQ=", ADMIN_TOKEN: "short", IADVIZE_API_URL: "nope" });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      const text = result.problems.join(" | ");
      expect(text).toContain("IADVIZE_WEBHOOK_SECRET is missing");
      expect(text).toContain("ADMIN_TOKEN must be at least 16 characters");
      expect(text).toContain("ENCRYPTION_KEY must be base64 of 32 bytes");
      expect(text).toContain("IADVIZE_API_URL must be a URL");
    }
  });

  it("answers 503 misconfigured, and health DOWN, when a secret is missing; the message has no value", async () => {
    const broken = { ...env, ADMIN_TOKEN: undefined };
    const res = await app.request("/webhooks/iadvize", { method: "POST", body: "{}" }, broken);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: "misconfigured" } });
    expect(text).toContain("ADMIN_TOKEN is missing");
    for (const value of Object.values(TEST_SECRETS)) expect(text).not.toContain(value);

    const health = await app.request("/health", {}, broken);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: "DOWN" });
  });

  it("GET /health answers UP", async () => {
    const res = await app.request("/health", {}, env);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "UP" });
  });
});
