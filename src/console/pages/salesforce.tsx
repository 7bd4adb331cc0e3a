// The Salesforce page: "Connect Salesforce" (the web-server flow with PKCE through the
// operator's connected app), what is connected, and the server-to-server options.
import { Hono } from "hono";
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import * as z from "zod";
import { AppError } from "../../errors.ts";
import { log, errorFields } from "../../log.ts";
import { usageOf } from "../../salesforce/usage.ts";
import { authorizeUrl, connectionInfo, exchangeCode, pkcePair, randomToken } from "../../salesforce/web-server-flow.ts";
import { freeChecks } from "../../preflight/free.ts";
import { TenantId } from "../../tenants/schema.ts";
import { getTenantConfig } from "../../tenants/store.ts";
import type { ConsoleEnv } from "../env.ts";
import { Layout, Notice } from "../layout.tsx";
import type { CheckResult } from "../../preflight/types.ts";
import { SaveWarnings } from "../save-warnings.tsx";
import { connectionOf, saveConnection } from "../salesforce-connection.ts";
import { cookieSecret, mayManage } from "../session.ts";
import type { Input } from "../tenant.ts";
import { formString, inputOf, recordOf, retryDeps, saveSection, tenantOf } from "../tenant.ts";
import { tenantDb } from "../../tenants/placement.ts";

/** The OAuth transaction: which tenant, the state and the PKCE verifier, for ten minutes. */
const FLOW_COOKIE = "console_sf_flow";
const CALLBACK_PATH = "/setup/salesforce/callback";
const FLOW_LIFE_SEC = 600;

const ServerToServer = z.discriminatedUnion("type", [
  z.object({ type: z.literal("client_credentials"), loginUrl: z.url(), clientId: z.string().min(1), clientSecret: z.string().min(1) }),
  z.object({ type: z.literal("jwt_bearer"), loginUrl: z.url(), clientId: z.string().min(1), username: z.string().min(1), privateKey: z.string().min(1) }),
]);

const flowSecret = (c: Context<ConsoleEnv>) => cookieSecret(c.var.config.ENCRYPTION_KEY[0] ?? "", "salesforce-flow");
const callbackUrl = (c: Context<ConsoleEnv>) => `${new URL(c.req.url).origin}${CALLBACK_PATH}`;

/** Replaces the Salesforce connection, keeping the other Salesforce settings (lead source, fallbacks…). */
function withSalesforce(input: Input, loginUrl: string, auth: Record<string, unknown>): Input {
  const current = (input.salesforce ?? {}) as Record<string, unknown>;
  return { ...input, salesforce: { ...current, loginUrl, auth } };
}

async function page(c: Context<ConsoleEnv>, notice?: { kind: "ok" | "error"; text: string }, warnings?: CheckResult[]) {
  const { t, lang, session, config } = c.var;
  const id = tenantOf(c);
  const [record, connection, usage] = await Promise.all([recordOf(c, id), connectionOf(tenantDb(c.env, id), id), usageOf(tenantDb(c.env, id), id, 1)]);
  const sf = inputOf(record).salesforce as { loginUrl?: string; auth?: { type?: string; clientId?: string } } | undefined;
  const latest = usage[0];
  return c.html(
    <Layout t={t} lang={lang} title={t.navSalesforce} session={session} tenantId={id} page="salesforce">
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      <SaveWarnings t={t} warnings={warnings} />
      <section>
        <p>{t.sfIntro}</p>
        {connection && sf?.auth?.type === "refresh_token" ? (
          <>
            <Notice kind="ok">{t.connected}</Notice>
            <table>
              <tbody>
                <tr><th scope="row">{t.org}</th><td>{connection.orgId}</td></tr>
                <tr><th scope="row">{t.sfUser}</th><td>{connection.username}</td></tr>
                <tr><th scope="row">{t.instance}</th><td>{connection.instanceUrl}</td></tr>
                <tr>
                  <th scope="row">{t.apiAllowance}</th>
                  <td>
                    {latest?.orgApiLimit != null && latest.orgApiUsed != null
                      ? `${latest.orgApiLimit - latest.orgApiUsed} / ${latest.orgApiLimit} ${t.remaining}`
                      : connection.apiMax != null
                        ? `${connection.apiRemaining ?? "?"} / ${connection.apiMax} ${t.remaining}`
                        : "—"}
                  </td>
                </tr>
              </tbody>
            </table>
          </>
        ) : sf?.auth?.type ? (
          <p>
            {t.authType}: <code>{sf.auth.type}</code> · {sf.loginUrl}
          </p>
        ) : null}
        {config.SALESFORCE_CLIENT_ID ? (
          <a class="button" href={`/setup/t/${id}/salesforce/connect`}>
            {connection ? t.reconnectSalesforce : t.connectSalesforce}
          </a>
        ) : (
          <p class="muted">{t.noConnectedApp}</p>
        )}
      </section>
      <section>
        <details>
          <summary>{t.advanced}</summary>
          <form method="post" action={`/setup/t/${id}/salesforce`}>
            <label for="type">{t.authType}</label>
            <select id="type" name="type">
              <option value="client_credentials">client_credentials</option>
              <option value="jwt_bearer">jwt_bearer</option>
            </select>
            <label for="loginUrl">{t.loginUrl}</label>
            <input id="loginUrl" name="loginUrl" type="text" value={sf?.loginUrl ?? ""} />
            <label for="clientId">{t.clientId}</label>
            <input id="clientId" name="clientId" type="text" value={sf?.auth?.clientId ?? ""} />
            <label for="clientSecret">{t.clientSecret} (client_credentials)</label>
            <input id="clientSecret" name="clientSecret" type="password" autocomplete="off" />
            <label for="username">{t.username} (jwt_bearer)</label>
            <input id="username" name="username" type="text" autocomplete="off" />
            <label for="privateKey">{t.privateKey} (jwt_bearer)</label>
            <textarea id="privateKey" name="privateKey"></textarea>
            <button type="submit">{t.save}</button>
          </form>
        </details>
      </section>
    </Layout>,
  );
}

export const salesforcePage = new Hono<ConsoleEnv>()
  .get("/t/:tenantId/salesforce", async (c) => {
    // Back from "Connect Salesforce": what the save's free checks find now (the callback could not show them).
    if (c.req.query("saved") !== "1") return page(c);
    const id = tenantOf(c);
    const tenant = await getTenantConfig(tenantDb(c.env, id), c.var.config.ENCRYPTION_KEY, id);
    return page(c, undefined, tenant ? await freeChecks(tenantDb(c.env, id), id, tenant, new Date()) : undefined);
  })
  .post("/t/:tenantId/salesforce", async (c) => {
    const form = await c.req.parseBody();
    const type = formString(form, "type");
    const parsed = ServerToServer.safeParse({
      type,
      loginUrl: formString(form, "loginUrl"),
      clientId: formString(form, "clientId"),
      ...(type === "jwt_bearer" ? { username: formString(form, "username"), privateKey: formString(form, "privateKey") } : { clientSecret: formString(form, "clientSecret") }),
    });
    if (!parsed.success) {
      c.status(400);
      return page(c, { kind: "error", text: c.var.t.invalidForm });
    }
    const { loginUrl, ...auth } = parsed.data;
    const saved = await saveSection(c, tenantOf(c), (input) => withSalesforce(input, loginUrl.replace(/\/+$/, ""), auth));
    return page(c, { kind: "ok", text: c.var.t.saved }, saved.warnings);
  })
  .get("/t/:tenantId/salesforce/connect", async (c) => {
    const clientId = c.var.config.SALESFORCE_CLIENT_ID;
    if (!clientId) throw new AppError("not_found", "No connected app is configured (SALESFORCE_CLIENT_ID).");
    const { verifier, challenge } = await pkcePair();
    const state = randomToken(16);
    // SameSite=Lax: the way back from Salesforce is a cross-site navigation.
    await setSignedCookie(c, FLOW_COOKIE, `${tenantOf(c)}.${state}.${verifier}`, await flowSecret(c), {
      path: CALLBACK_PATH,
      httpOnly: true,
      secure: true,
      sameSite: "Lax",
      maxAge: FLOW_LIFE_SEC,
    });
    return c.redirect(authorizeUrl({ loginUrl: c.var.config.SALESFORCE_LOGIN_URL, clientId, redirectUri: callbackUrl(c), challenge, state }), 302);
  });

/**
 * The redirect URI registered on the connected app. The session cookie (SameSite=Strict)
 * does not come along on this cross-site navigation: the signed flow cookie, set in a
 * session of that tenant, says which tenant, and the state must match it.
 */
export const salesforceCallback = new Hono<ConsoleEnv>().get(CALLBACK_PATH.replace("/setup", ""), async (c) => {
  const { t, lang, config } = c.var;
  const raw = await getSignedCookie(c, await flowSecret(c), FLOW_COOKIE);
  deleteCookie(c, FLOW_COOKIE, { path: CALLBACK_PATH, secure: true, httpOnly: true, sameSite: "Lax" });
  const [tenantId = "", state, verifier] = typeof raw === "string" ? raw.split(".") : [];
  const fail = (text: string, status: 400 | 502) => {
    c.status(status);
    return c.html(
      <Layout t={t} lang={lang} title={t.navSalesforce}>
        <Notice kind="error">{text}</Notice>
        <a href="/setup">{t.continue}</a>
      </Layout>,
    );
  };
  const code = c.req.query("code");
  if (!TenantId.safeParse(tenantId).success || !state || !verifier || c.req.query("state") !== state) return fail(`${t.sfDenied}: state`, 400);
  if (c.var.session && !mayManage(c.var.session, tenantId)) return fail(t.forbidden, 400);
  if (!code || !config.SALESFORCE_CLIENT_ID) return fail(`${t.sfDenied}: ${c.req.query("error") ?? "no code"}`.slice(0, 200), 400);
  try {
    const connected = await exchangeCode(retryDeps(), {
      loginUrl: config.SALESFORCE_LOGIN_URL,
      clientId: config.SALESFORCE_CLIENT_ID,
      clientSecret: config.SALESFORCE_CLIENT_SECRET,
      code,
      verifier,
      redirectUri: callbackUrl(c),
    });
    const info = await connectionInfo(retryDeps(), connected);
    const auth = { type: "refresh_token", clientId: config.SALESFORCE_CLIENT_ID, refreshToken: connected.refreshToken, ...(config.SALESFORCE_CLIENT_SECRET ? { clientSecret: config.SALESFORCE_CLIENT_SECRET } : {}) };
    await saveSection(c, tenantId, (input) => withSalesforce(input, connected.instanceUrl, auth));
    await saveConnection(tenantDb(c.env, tenantId), tenantId, info, connected.instanceUrl, new Date());
    log.info("console.salesforce_connected", { tenantId });
  } catch (err) {
    log.warn("console.salesforce_connect_failed", { tenantId, ...errorFields(err) });
    return fail(t.sfDenied, 502);
  }
  // A page of ours moves on, so that the next request is same-site and carries the session.
  const next = `/setup/t/${tenantId}/salesforce?saved=1`;
  return c.html(
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="refresh" content={`0;url=${next}`} />
        <title>{t.connected}</title>
        <link rel="stylesheet" href="/setup/assets/console.css" />
      </head>
      <body>
        <main>
          <p>{t.connected}</p>
          <a href={next}>{t.continue}</a>
        </main>
      </body>
    </html>,
  );
});
