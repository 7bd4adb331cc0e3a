// The three server-to-server grants against the emulated Salesforce, JWT assertions included.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { jwtAssertion, jwtAudience, salesforceLogin } from "../../src/salesforce/auth.ts";
import type { SalesforceSettings } from "../../src/salesforce/auth.ts";
import { TenantConfig } from "../../src/tenants/schema.ts";
import { newOrg } from "../helpers/salesforce.ts";

const retry = { fetch: (i: RequestInfo | URL, init?: RequestInit) => fetch(i, init), sleep: async () => undefined };

function pem(label: string, der: ArrayBuffer): string {
  const b64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  return `-----BEGIN ${label}-----\n${b64.replace(/(.{64})/g, "$1\n")}\n-----END ${label}-----\n`;
}

async function keyPair() {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  return {
    privatePem: pem("PRIVATE KEY", (await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer),
    publicPem: pem("PUBLIC KEY", (await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer),
  };
}

const settings = (salesforce: unknown): SalesforceSettings => {
  const parsed = TenantConfig.parse({ salesforce }).salesforce;
  if (!parsed) throw new Error("no salesforce settings");
  return parsed;
};

describe("Salesforce OAuth grants", () => {
  it("client credentials", async () => {
    const org = await newOrg();
    const issued = await salesforceLogin(retry, settings({ loginUrl: env.TEST_SALESFORCE_URL, auth: { type: "client_credentials", clientId: org.clientId, clientSecret: org.clientSecret } }), Date.now());
    expect(issued.value.instanceUrl).toBe(env.TEST_SALESFORCE_URL);
    expect(issued.token).toMatch(/^00D/);
  });

  it("JWT bearer: an RS256 assertion signed with WebCrypto from a PKCS#8 key", async () => {
    const keys = await keyPair();
    const org = await newOrg({ username: "integration@acme.example", publicKeyPem: keys.publicPem });
    const auth = { type: "jwt_bearer", clientId: org.clientId, username: "integration@acme.example", privateKey: keys.privatePem };
    const issued = await salesforceLogin(retry, settings({ loginUrl: env.TEST_SALESFORCE_URL, auth }), Date.now());
    expect(issued.token).toMatch(/^00D/);

    const [header, claims] = (await jwtAssertion({ clientId: "c", username: "u", audience: "https://login.salesforce.com", privateKeyPem: keys.privatePem, now: 1_700_000_000_000 })).split(".");
    expect(JSON.parse(atob(header ?? ""))).toEqual({ alg: "RS256", typ: "JWT" });
    expect(JSON.parse(atob((claims ?? "").replace(/-/g, "+").replace(/_/g, "/")))).toEqual({ iss: "c", sub: "u", aud: "https://login.salesforce.com", exp: 1_700_000_170 });
  });

  it("JWT bearer: the audience is the login host of the org's environment, never the My Domain the token is asked from", async () => {
    const keys = await keyPair();
    const username = "integration@acme.example";
    const login = (org: { clientId: string }, extra: Record<string, unknown> = {}) =>
      salesforceLogin(retry, settings({ loginUrl: env.TEST_SALESFORCE_URL, auth: { type: "jwt_bearer", clientId: org.clientId, username, privateKey: keys.privatePem }, ...extra }), Date.now()).catch((e: unknown) => e);
    const production = await newOrg({ username, publicKeyPem: keys.publicPem });
    const sandbox = await newOrg({ username, publicKeyPem: keys.publicPem, environment: "sandbox" });
    const site = await newOrg({ username, publicKeyPem: keys.publicPem, experienceCloudUrl: "https://acme.my.site.com/partners" });

    // An assertion made out to the My Domain itself is refused, as Salesforce does.
    const myDomain = await jwtAssertion({ clientId: production.clientId, username, audience: env.TEST_SALESFORCE_URL, privateKeyPem: keys.privatePem, now: Date.now() });
    const refused = await fetch(`${env.TEST_SALESFORCE_URL}/services/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion: myDomain }).toString(),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: "invalid_grant", error_description: "audience is invalid" });

    expect(await login(production)).toMatchObject({ token: expect.stringMatching(/^00D/) });
    expect(await login(sandbox)).toMatchObject({ code: "auth_failed", retryable: false });
    expect(await login(sandbox, { audience: "https://test.salesforce.com" })).toMatchObject({ token: expect.stringMatching(/^00D/) });
    expect(await login(site, { audience: "https://acme.my.site.com/partners" })).toMatchObject({ token: expect.stringMatching(/^00D/) });
  });

  it("JWT audience by default: test.salesforce.com for sandbox and scratch hosts, login.salesforce.com otherwise", () => {
    const aud = (loginUrl: string, audience?: string) => jwtAudience({ loginUrl, ...(audience ? { audience } : {}) });
    expect(aud("https://acme.my.salesforce.com")).toBe("https://login.salesforce.com");
    expect(aud("https://login.salesforce.com")).toBe("https://login.salesforce.com");
    expect(aud("https://acme--uat.sandbox.my.salesforce.com")).toBe("https://test.salesforce.com");
    expect(aud("https://acme--uat.my.salesforce.com")).toBe("https://test.salesforce.com");
    expect(aud("https://acme--uat.cs42.my.salesforce.com")).toBe("https://test.salesforce.com");
    expect(aud("https://fun-dog-123.scratch.my.salesforce.com")).toBe("https://test.salesforce.com");
    expect(aud("https://test.salesforce.com")).toBe("https://test.salesforce.com");
    expect(aud("https://acme.my.salesforce.com", "https://acme.my.site.com/partners/")).toBe("https://acme.my.site.com/partners");
  });

  it("JWT bearer with another key is refused as a final error", async () => {
    const [good, other] = [await keyPair(), await keyPair()];
    const org = await newOrg({ username: "integration@acme.example", publicKeyPem: good.publicPem });
    const auth = { type: "jwt_bearer", clientId: org.clientId, username: "integration@acme.example", privateKey: other.privatePem };
    const err = await salesforceLogin(retry, settings({ loginUrl: env.TEST_SALESFORCE_URL, auth }), Date.now()).catch((e: unknown) => e);
    expect(err).toMatchObject({ service: "salesforce", code: "auth_failed", retryable: false });
  });

  it("a private key that is not PKCS#8 PEM is a clear error", async () => {
    const auth = { type: "jwt_bearer", clientId: "c", username: "u", privateKey: "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----" };
    const err = await salesforceLogin(retry, settings({ loginUrl: env.TEST_SALESFORCE_URL, auth }), Date.now()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "bad_private_key", retryable: false });
  });

  it("refresh token", async () => {
    const org = await newOrg({ refreshToken: "5Aep-refresh" });
    const ok = await salesforceLogin(retry, settings({ loginUrl: env.TEST_SALESFORCE_URL, auth: { type: "refresh_token", clientId: org.clientId, refreshToken: "5Aep-refresh" } }), Date.now());
    expect(ok.token).toMatch(/^00D/);
    const err = await salesforceLogin(retry, settings({ loginUrl: env.TEST_SALESFORCE_URL, auth: { type: "refresh_token", clientId: org.clientId, refreshToken: "revoked" } }), Date.now()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "auth_failed" });
  });
});
