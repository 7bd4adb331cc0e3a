// Sign-in: a tenant's admin proves an iAdvize API user can read the project (which creates
// or claims the tenant), or the operator gives the admin token. Throttled per IP and tenant.
import { Hono } from "hono";
import type { Context } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import * as z from "zod";
import { realSleep } from "../../lib/retry.ts";
import { log } from "../../log.ts";
import { saveTenantInput } from "../../tenants/save.ts";
import { redact } from "../../tenants/secrets.ts";
import { getTenant } from "../../tenants/store.ts";
import type { ConsoleEnv } from "../env.ts";
import type { Dictionary } from "../i18n.ts";
import { Layout, Notice } from "../layout.tsx";
import { endSession, startSession } from "../session.ts";
import { SIGNIN_LIMITS, countAttempt } from "../throttle.ts";
import { proveProjectAccess } from "./project-proof.ts";
import { directoryDb, tenantDb } from "../../tenants/placement.ts";

export const SigninForm = z.object({
  platform: z.enum(["ha", "sd"]),
  projectId: z.string().regex(/^\d{1,18}$/),
  email: z.email().max(320),
  password: z.string().min(1).max(1000),
});

const OperatorForm = z.object({ token: z.string().min(1).max(1000) });

const clientIp = (c: Context<ConsoleEnv>) => c.req.header("cf-connecting-ip") ?? "unknown";

function SigninPage({ c, error, status }: { c: Context<ConsoleEnv>; error?: keyof Dictionary | undefined; status?: number }) {
  const { t, lang } = c.var;
  c.status((status ?? 200) as 200);
  return c.html(
    <Layout t={t} lang={lang} title={t.signIn}>
      {error ? <Notice kind="error">{t[error]}</Notice> : null}
      <section>
        <p>{t.signInIntro}</p>
        <form method="post" action="/setup/signin">
          <label for="platform">{t.platform}</label>
          <select id="platform" name="platform">
            <option value="ha">ha</option>
            <option value="sd">sd</option>
          </select>
          <label for="projectId">{t.projectId}</label>
          <input id="projectId" name="projectId" type="text" inputmode="numeric" required autocomplete="off" />
          <label for="email">{t.apiUserEmail}</label>
          <input id="email" name="email" type="email" required autocomplete="username" />
          <label for="password">{t.password}</label>
          <input id="password" name="password" type="password" required autocomplete="current-password" />
          <button type="submit">{t.signIn}</button>
        </form>
      </section>
      <p>
        <a href="/setup/operator">{t.operatorSignIn}</a>
      </p>
    </Layout>,
  );
}

function OperatorPage({ c, error, status }: { c: Context<ConsoleEnv>; error?: keyof Dictionary; status?: number }) {
  const { t, lang } = c.var;
  c.status((status ?? 200) as 200);
  return c.html(
    <Layout t={t} lang={lang} title={t.operatorSignIn}>
      {error ? <Notice kind="error">{t[error]}</Notice> : null}
      <section>
        <p>{t.operatorIntro}</p>
        <form method="post" action="/setup/operator">
          <label for="token">{t.operatorToken}</label>
          <input id="token" name="token" type="password" required autocomplete="off" />
          <button type="submit">{t.signIn}</button>
        </form>
      </section>
    </Layout>,
  );
}

export const signinRoutes = new Hono<ConsoleEnv>()
  .get("/", (c) => {
    const s = c.var.session;
    if (s) return c.redirect(s.kind === "operator" ? "/setup/tenants" : `/setup/t/${s.tenantId}/iadvize`, 303);
    return SigninPage({ c });
  })
  .post("/signin", async (c) => {
    const form = SigninForm.safeParse(await c.req.parseBody());
    const now = new Date();
    const tenantId = form.success ? `${form.data.platform}-${form.data.projectId}` : undefined;
    const limited = await countAttempt(
      directoryDb(c.env),
      [
        { key: `ip:${clientIp(c)}`, ...SIGNIN_LIMITS.perIp },
        ...(tenantId ? [{ key: `tenant:${tenantId}`, ...SIGNIN_LIMITS.perTenant }] : []),
      ],
      now,
    );
    if (limited) {
      log.warn("console.signin_throttled", { tenantId, limit: limited.key.startsWith("ip:") ? "ip" : "tenant" });
      return SigninPage({ c, error: "rateLimited", status: 429 });
    }
    if (!form.success || !tenantId) return SigninPage({ c, error: "invalidForm", status: 400 });
    const { platform, projectId, email, password } = form.data;
    const retry = { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init), sleep: realSleep };
    const proof = await proveProjectAccess(retry, c.var.config.IADVIZE_API_URL, platform, Number(projectId), { username: email, password }, now);
    if (!proof.ok) {
      log.info("console.signin_refused", { tenantId, reason: proof.reason });
      const error = ({ bad_credentials: "badCredentials", no_access: "noAccess", rate_limited: "rateLimited", unavailable: "unavailable" } as const)[proof.reason];
      return SigninPage({ c, error, status: proof.reason === "unavailable" ? 503 : proof.reason === "rate_limited" ? 429 : 401 });
    }
    // The proof creates the tenant, or claims one that has no iAdvize user yet; a stored
    // user is kept (the iAdvize page replaces it).
    const existing = await getTenant(tenantDb(c.env, tenantId), c.var.config.ENCRYPTION_KEY, tenantId);
    if (!existing || !existing.secrets["iadvize.username"]) {
      const current = existing ? redact(existing.settings, existing.secrets) : {};
      await saveTenantInput(c.env, c.var.config, tenantId, { ...current, iadvize: { username: email, password } }, now);
    }
    log.info("console.signed_in", { tenantId, created: !existing });
    await startSession(c, { kind: "tenant", tenantId }, now.getTime());
    return c.redirect(`/setup/t/${tenantId}/iadvize`, 303);
  })
  .get("/operator", (c) => OperatorPage({ c }))
  .post("/operator", async (c) => {
    const now = new Date();
    const limited = await countAttempt(directoryDb(c.env), [{ key: `ip:${clientIp(c)}`, ...SIGNIN_LIMITS.perIp }], now);
    if (limited) return OperatorPage({ c, error: "rateLimited", status: 429 });
    const form = OperatorForm.safeParse(await c.req.parseBody());
    if (!form.success || !(await timingSafeEqual(form.data.token, c.var.config.ADMIN_TOKEN))) {
      log.warn("console.operator_refused", {});
      return OperatorPage({ c, error: "badOperatorToken", status: 401 });
    }
    await startSession(c, { kind: "operator" }, now.getTime());
    return c.redirect("/setup/tenants", 303);
  })
  .post("/signout", (c) => {
    endSession(c);
    return c.redirect("/setup", 303);
  });
