// The setup console under /setup: security headers with a strict CSP, CSRF checks on
// every form, the language, the session, and a guard that keeps each session to the
// tenant it signed in for (the operator sees every tenant).
import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { AppError } from "../errors.ts";
import { errorFields, log } from "../log.ts";
import { TenantId } from "../tenants/schema.ts";
import { CONSOLE_CSS, CONSOLE_JS } from "./assets.ts";
import { signinRoutes } from "./auth/signin.tsx";
import type { ConsoleEnv } from "./env.ts";
import { DICTIONARIES, LANG_COOKIE, langOf } from "./i18n.ts";
import { Layout, Notice } from "./layout.tsx";
import { activityPage } from "./pages/activity.tsx";
import { checksPage } from "./pages/checks.tsx";
import { escalationPage } from "./pages/escalation.tsx";
import { iadvizePage } from "./pages/iadvize.tsx";
import { mappingPage } from "./pages/mapping.tsx";
import { salesforceCallback, salesforcePage } from "./pages/salesforce.tsx";
import { tenantsPage } from "./pages/tenants.tsx";
import { mayManage, readSession } from "./session.ts";

export const consoleRoutes = new Hono<ConsoleEnv>();

consoleRoutes.use(
  "*",
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    referrerPolicy: "same-origin",
  }),
  csrf(),
  async (c, next) => {
    const lang = langOf(c);
    if (c.req.query("lang")) setCookie(c, LANG_COOKIE, lang, { path: "/setup", sameSite: "Lax", secure: true, maxAge: 365 * 86_400 });
    c.set("lang", lang);
    c.set("t", DICTIONARIES[lang]);
    c.set("session", await readSession(c, Date.now()));
    await next();
  },
);

consoleRoutes.get("/assets/console.css", (c) => c.body(CONSOLE_CSS, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=3600" }));
consoleRoutes.get("/assets/console.js", (c) => c.body(CONSOLE_JS, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=3600" }));

consoleRoutes.route("/", signinRoutes);
consoleRoutes.route("/", salesforceCallback);

consoleRoutes.use("/tenants", async (c, next) => {
  if (c.var.session?.kind !== "operator") return c.redirect("/setup/operator", 303);
  await next();
});
consoleRoutes.route("/", tenantsPage);

consoleRoutes.use("/t/:tenantId/*", async (c, next) => {
  const session = c.var.session;
  if (!session) return c.redirect("/setup", 303);
  const id = c.req.param("tenantId");
  if (!TenantId.safeParse(id).success || !mayManage(session, id)) {
    log.warn("console.forbidden", { tenantId: session.kind === "tenant" ? session.tenantId : "operator" });
    const { t, lang } = c.var;
    c.status(403);
    return c.html(
      <Layout t={t} lang={lang} title={t.forbidden} session={session}>
        <Notice kind="error">{t.forbidden}</Notice>
      </Layout>,
    );
  }
  await next();
});
for (const pageRoutes of [iadvizePage, salesforcePage, mappingPage, escalationPage, checksPage, activityPage]) consoleRoutes.route("/", pageRoutes);

consoleRoutes.onError((err, c) => {
  const t = c.var.t ?? DICTIONARIES.en;
  const lang = c.var.lang ?? "en";
  if (err instanceof AppError) {
    const details = Array.isArray(err.details) ? (err.details as { path?: string; message?: string }[]).map((d) => `${d.path ?? ""}: ${d.message ?? ""}`) : [];
    c.status(err.status);
    return c.html(
      <Layout t={t} lang={lang} title={t.title} session={c.var.session}>
        <Notice kind="error">
          {err.message}
          {details.length ? (
            <ul>
              {details.map((d) => (
                <li>{d}</li>
              ))}
            </ul>
          ) : null}
        </Notice>
      </Layout>,
    );
  }
  // hono's own refusals, such as the CSRF check's 403.
  if (err instanceof HTTPException) {
    log.warn("console.refused", { path: c.req.path, status: err.status });
    c.status(err.status);
    return c.html(
      <Layout t={t} lang={lang} title={t.title}>
        <Notice kind="error">{err.status === 403 ? t.forbidden : t.invalidForm}</Notice>
      </Layout>,
    );
  }
  log.error("console.crashed", { path: c.req.path, ...errorFields(err) });
  c.status(500);
  return c.html(
    <Layout t={t} lang={lang} title={t.title} session={c.var.session}>
      <Notice kind="error">{t.unavailable}</Notice>
    </Layout>,
  );
});
