// "Connect Salesforce" against the emulator: the authorize page's login and consent, then
// the code exchange, which holds only with the PKCE verifier of the challenge, once.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { realSleep } from "../../src/lib/retry.ts";
import { UpstreamError } from "../../src/lib/upstream-error.ts";
import { authorizeUrl, connectionInfo, exchangeCode, pkcePair } from "../../src/salesforce/web-server-flow.ts";
import { newOrg } from "../helpers/salesforce.ts";

const deps = { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init), sleep: realSleep };
const REDIRECT = "https://connector.test/setup/salesforce/callback";
const base = () => env.TEST_SALESFORCE_URL;

async function control(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${base()}/__emulator${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`emulator ${path}: ${res.status}`);
}

/** Logs in and allows on the emulated authorize page, as the admin's browser would; returns the code. */
async function consent(app: { clientId: string }, user: { username: string; password: string }, challenge: string): Promise<string> {
  const url = new URL(authorizeUrl({ loginUrl: base(), clientId: app.clientId, redirectUri: REDIRECT, challenge, state: "s1" }));
  const post = (fields: Record<string, string>) =>
    fetch(`${base()}/services/oauth2/authorize`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...Object.fromEntries(url.searchParams), ...fields }).toString(),
      redirect: "manual",
    });
  const consentPage = await (await post({ action: "login", username: user.username, pw: user.password })).text();
  const login = /name="login" value="([^"]+)"/.exec(consentPage)?.[1];
  expect(login).toBeDefined();
  const allowed = await post({ action: "allow", login: login ?? "" });
  expect(allowed.status).toBe(302);
  const back = new URL(allowed.headers.get("location") ?? "");
  expect(back.origin + back.pathname).toBe(REDIRECT);
  expect(back.searchParams.get("state")).toBe("s1");
  return back.searchParams.get("code") ?? "";
}

describe("Salesforce web-server flow with PKCE", () => {
  it("exchanges the code for a refresh token with the right verifier only, once, and describes the connection", async () => {
    const org = await newOrg();
    const app = { clientId: `app-${org.id}`, clientSecret: `app-secret-${org.id}` };
    const user = { orgId: org.id, username: `admin@${org.id}.example`, password: "pw", userId: "005000000000009AAA", displayName: "Admin" };
    await control("/connected-apps", app);
    await control("/users", user);
    const pkce = await pkcePair();
    const exchange = (code: string, verifier: string) =>
      exchangeCode(deps, { loginUrl: base(), clientId: app.clientId, clientSecret: app.clientSecret, code, verifier, redirectUri: REDIRECT });

    // A wrong verifier spends the code for nothing.
    const wasted = await consent(app, user, pkce.challenge);
    await expect(exchange(wasted, (await pkcePair()).verifier)).rejects.toBeInstanceOf(UpstreamError);
    await expect(exchange(wasted, pkce.verifier)).rejects.toMatchObject({ code: "auth_failed" });

    const code = await consent(app, user, pkce.challenge);
    const connected = await exchange(code, pkce.verifier);
    expect(connected.refreshToken).toMatch(/^5Aep/);
    expect(connected.instanceUrl).toBe(base());
    await expect(exchange(code, pkce.verifier)).rejects.toMatchObject({ code: "auth_failed" });

    const info = await connectionInfo(deps, connected);
    expect(info).toEqual({ orgId: `00D${org.id}`, username: user.username, apiMax: 100_000, apiRemaining: expect.any(Number) });

    // The refresh token logs in afterwards (the sync's refresh_token grant).
    const refreshed = await fetch(`${base()}/services/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", client_id: app.clientId, client_secret: app.clientSecret, refresh_token: connected.refreshToken }).toString(),
    });
    expect(refreshed.status).toBe(200);
  });

  it("refuses an authorize request without an S256 challenge", async () => {
    const url = new URL(authorizeUrl({ loginUrl: base(), clientId: "operator-app", redirectUri: REDIRECT, challenge: "", state: "s2" }));
    await control("/connected-apps", { clientId: "operator-app", clientSecret: "x" });
    const res = await fetch(url, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get("location") ?? "").searchParams.get("error")).toBe("invalid_request");
  });
});
