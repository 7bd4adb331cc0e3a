// The OAuth 2.0 web-server flow of the Salesforce emulator, from Salesforce's public
// description: the authorize page (a login form, then a consent form), a single-use
// authorization code bound to the client, the redirect URI and the PKCE challenge
// (S256 only), its exchange for an access and a refresh token, the refresh of that
// token, and the identity URL. Users belong to an org; the connected app is the
// operator's, one for every org.
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson, sendText } from "../http.ts";

export interface ConnectedApp {
  clientId: string;
  clientSecret: string;
}

export interface OrgUser {
  orgId: string;
  username: string;
  password: string;
  userId: string;
  displayName: string;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  user: OrgUser;
  expiresAt: number;
}

const CODE_LIFE_MS = 15 * 60 * 1000;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const b64url = (buf: Buffer) => buf.toString("base64url");

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

function hidden(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`)
    .join("");
}

const AUTHORIZE_PARAMS = ["response_type", "client_id", "redirect_uri", "code_challenge", "code_challenge_method", "state", "scope"] as const;

export function webServerFlow(opts: { issueToken: (orgId: string) => string; baseUrl: () => string }) {
  const apps = new Map<string, ConnectedApp>();
  const users = new Map<string, OrgUser>();
  const codes = new Map<string, PendingCode>();
  const refreshTokens = new Map<string, { orgId: string; clientId: string; userId: string }>();
  /** Logged-in browsers between the login and the consent form. */
  const logins = new Map<string, OrgUser>();

  const paramsOf = (source: URLSearchParams) => Object.fromEntries(AUTHORIZE_PARAMS.map((k) => [k, source.get(k) ?? ""])) as Record<(typeof AUTHORIZE_PARAMS)[number], string>;

  /** A request the authorize endpoint refuses before any redirect (no trusted redirect URI yet). */
  function refusal(p: ReturnType<typeof paramsOf>): string | undefined {
    if (!apps.has(p.client_id)) return "invalid_client_id: client identifier invalid";
    if (!/^https?:\/\//.test(p.redirect_uri)) return "redirect_uri_mismatch: redirect_uri must match configuration";
    return undefined;
  }

  function redirect(res: ServerResponse, to: string, query: Record<string, string>) {
    const url = new URL(to);
    for (const [k, v] of Object.entries(query)) if (v) url.searchParams.set(k, v);
    res.writeHead(302, { location: url.href });
    res.end();
  }

  async function authorize(req: IncomingMessage, res: ServerResponse, url: URL) {
    const form = req.method === "POST" ? new URLSearchParams(await readBody(req)) : url.searchParams;
    const p = paramsOf(form);
    const refused = refusal(p);
    if (refused) return sendText(res, 400, page("Error", `<p>${escape(refused)}</p>`), "text/html");
    if (p.response_type !== "code") return redirect(res, p.redirect_uri, { error: "unsupported_response_type", state: p.state });
    if (!p.code_challenge || p.code_challenge_method !== "S256") {
      return redirect(res, p.redirect_uri, { error: "invalid_request", error_description: "code_challenge with method S256 required", state: p.state });
    }
    const action = form.get("action");
    if (req.method === "POST" && action === "login") {
      const user = users.get(form.get("username") ?? "");
      if (!user || user.password !== form.get("pw")) {
        return sendText(res, 200, loginPage(p, "Please check your username and password."), "text/html");
      }
      const loginId = b64url(randomBytes(16));
      logins.set(loginId, user);
      return sendText(res, 200, consentPage(p, loginId, user), "text/html");
    }
    if (req.method === "POST" && (action === "allow" || action === "deny")) {
      const user = logins.get(form.get("login") ?? "");
      logins.delete(form.get("login") ?? "");
      if (!user) return sendText(res, 200, loginPage(p, "Your session has expired. Log in again."), "text/html");
      if (action === "deny") return redirect(res, p.redirect_uri, { error: "access_denied", error_description: "end-user denied authorization", state: p.state });
      const code = b64url(randomBytes(24));
      codes.set(code, { clientId: p.client_id, redirectUri: p.redirect_uri, challenge: p.code_challenge, user, expiresAt: Date.now() + CODE_LIFE_MS });
      return redirect(res, p.redirect_uri, { code, state: p.state });
    }
    return sendText(res, 200, loginPage(p), "text/html");
  }

  function loginPage(p: ReturnType<typeof paramsOf>, error?: string): string {
    return page(
      "Login | Salesforce",
      `${error ? `<p role="alert">${escape(error)}</p>` : ""}<form method="post" action="/services/oauth2/authorize">${hidden(p)}<input type="hidden" name="action" value="login">` +
        `<label for="username">Username</label><input id="username" name="username" autocomplete="username">` +
        `<label for="pw">Password</label><input id="pw" name="pw" type="password" autocomplete="current-password">` +
        `<button type="submit" id="Login">Log In</button></form>`,
    );
  }

  function consentPage(p: ReturnType<typeof paramsOf>, loginId: string, user: OrgUser): string {
    return page(
      "Allow Access?",
      `<p>${escape(p.client_id)} is asking to access your Salesforce data as ${escape(user.username)}: ${escape(p.scope || "api refresh_token")}.</p>` +
        `<form method="post" action="/services/oauth2/authorize">${hidden(p)}${hidden({ login: loginId })}` +
        `<button type="submit" name="action" value="deny" id="oaapprove-deny">Deny</button>` +
        `<button type="submit" name="action" value="allow" id="oaapprove">Allow</button></form>`,
    );
  }

  /** grant_type=authorization_code: the code, once, for the client and redirect URI it was issued to, with the PKCE verifier. */
  function exchange(form: URLSearchParams, res: ServerResponse) {
    const code = form.get("code") ?? "";
    const pending = codes.get(code);
    codes.delete(code);
    const app = apps.get(form.get("client_id") ?? "");
    if (!app) return sendJson(res, 400, { error: "invalid_client_id", error_description: "client identifier invalid" });
    if (form.has("client_secret") && form.get("client_secret") !== app.clientSecret) {
      return sendJson(res, 400, { error: "invalid_client", error_description: "invalid client credentials" });
    }
    if (!pending || pending.expiresAt < Date.now() || pending.clientId !== app.clientId) {
      return sendJson(res, 400, { error: "invalid_grant", error_description: "invalid authorization code" });
    }
    if (pending.redirectUri !== form.get("redirect_uri")) return sendJson(res, 400, { error: "redirect_uri_mismatch", error_description: "redirect_uri must match configuration" });
    const verifier = form.get("code_verifier") ?? "";
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || b64url(createHash("sha256").update(verifier).digest()) !== pending.challenge) {
      return sendJson(res, 400, { error: "invalid_grant", error_description: "invalid code verifier" });
    }
    const refreshToken = `5Aep${b64url(randomBytes(32))}`;
    refreshTokens.set(refreshToken, { orgId: pending.user.orgId, clientId: app.clientId, userId: pending.user.userId });
    return sendJson(res, 200, { ...tokenAnswer(pending.user.orgId, pending.user.userId), refresh_token: refreshToken, scope: "api refresh_token" });
  }

  function tokenAnswer(orgId: string, userId: string) {
    const base = opts.baseUrl();
    return {
      access_token: opts.issueToken(orgId),
      instance_url: base,
      id: `${base}/id/00D${orgId}/${userId}`,
      token_type: "Bearer",
      issued_at: String(Date.now()),
      signature: "emulated",
    };
  }

  return {
    apps,
    addConnectedApp: (app: ConnectedApp) => apps.set(app.clientId, app),
    addUser: (user: OrgUser) => users.set(user.username, user),
    authorize,
    exchange,
    /** A refresh token issued by this flow, or undefined to let the org's own grants decide. */
    refresh(form: URLSearchParams, res: ServerResponse): boolean {
      const issued = refreshTokens.get(form.get("refresh_token") ?? "");
      if (!issued) return false;
      if (issued.clientId !== form.get("client_id")) {
        sendJson(res, 400, { error: "invalid_grant", error_description: "expired access/refresh token" });
        return true;
      }
      sendJson(res, 200, tokenAnswer(issued.orgId, issued.userId));
      return true;
    },
    identity(orgOfToken: (token: string) => string | undefined, req: IncomingMessage, res: ServerResponse, url: URL) {
      const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
      const orgId = orgOfToken(token);
      const m = /^\/id\/00D([^/]+)\/([^/]+)$/.exec(url.pathname);
      const user = [...users.values()].find((u) => u.orgId === orgId && u.userId === m?.[2]);
      if (!orgId || !m || m[1] !== orgId) return sendJson(res, 403, { error: "Bad_OAuth_Token" });
      return sendJson(res, 200, {
        id: `${opts.baseUrl()}${url.pathname}`,
        organization_id: `00D${orgId}`,
        user_id: m[2],
        username: user?.username ?? "integration@example.com",
        display_name: user?.displayName ?? "Integration User",
      });
    },
  };
}
