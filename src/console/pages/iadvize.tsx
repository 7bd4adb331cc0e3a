// The iAdvize page: whether an API user is set, replacing it, and a test of it on the project.
import { Hono } from "hono";
import type { Context } from "hono";
import * as z from "zod";
import { getTenantConfig } from "../../tenants/store.ts";
import { proveProjectAccess } from "../auth/project-proof.ts";
import type { Proof } from "../auth/project-proof.ts";
import type { ConsoleEnv } from "../env.ts";
import { Layout, Notice } from "../layout.tsx";
import type { CheckResult } from "../../preflight/types.ts";
import { SaveWarnings } from "../save-warnings.tsx";
import { recordOf, retryDeps, saveSection, tenantOf } from "../tenant.ts";
import { tenantDb } from "../../tenants/placement.ts";

const UserForm = z.object({ email: z.email().max(320), password: z.string().min(1).max(1000) });

async function page(c: Context<ConsoleEnv>, notice?: { kind: "ok" | "error"; text: string }, warnings?: CheckResult[]) {
  const { t, lang, session } = c.var;
  const id = tenantOf(c);
  const record = await recordOf(c, id);
  const set = Boolean(record?.secrets["iadvize.username"]);
  return c.html(
    <Layout t={t} lang={lang} title={t.navIadvize} session={session} tenantId={id} page="iadvize">
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      <SaveWarnings t={t} warnings={warnings} />
      <section>
        <p>{t.iadvizeIntro}</p>
        <p>
          {t.apiUser}: <strong>{set ? t.configured : t.notConfigured}</strong>
        </p>
        <form method="post" action={`/setup/t/${id}/iadvize/test`}>
          <button type="submit">{t.test}</button>
        </form>
      </section>
      <section>
        <h2>{t.replaceApiUser}</h2>
        <form method="post" action={`/setup/t/${id}/iadvize`}>
          <label for="email">{t.apiUserEmail}</label>
          <input id="email" name="email" type="email" required autocomplete="off" />
          <label for="password">{t.password}</label>
          <input id="password" name="password" type="password" required autocomplete="new-password" />
          <button type="submit">{t.save}</button>
        </form>
      </section>
    </Layout>,
  );
}

export const iadvizePage = new Hono<ConsoleEnv>()
  .get("/t/:tenantId/iadvize", (c) => page(c))
  .post("/t/:tenantId/iadvize", async (c) => {
    const form = UserForm.safeParse(await c.req.parseBody());
    if (!form.success) {
      c.status(400);
      return page(c, { kind: "error", text: c.var.t.invalidForm });
    }
    const saved = await saveSection(c, tenantOf(c), (input) => ({ ...input, iadvize: { username: form.data.email, password: form.data.password } }));
    return page(c, { kind: "ok", text: c.var.t.saved }, saved.warnings);
  })
  .post("/t/:tenantId/iadvize/test", async (c) => {
    const id = tenantOf(c);
    const tenant = await getTenantConfig(tenantDb(c.env, id), c.var.config.ENCRYPTION_KEY, id);
    const [platform, project] = id.split("-") as ["ha" | "sd", string];
    const proof: Proof = tenant?.iadvize
      ? await proveProjectAccess(retryDeps(), c.var.config.IADVIZE_API_URL, platform, Number(project), tenant.iadvize, new Date())
      : { ok: false, reason: "bad_credentials" };
    const t = c.var.t;
    if (proof.ok) return page(c, { kind: "ok", text: t.testOk });
    const text = { bad_credentials: t.badCredentials, no_access: t.noAccess, rate_limited: t.rateLimited, unavailable: t.unavailable }[proof.reason];
    return page(c, { kind: "error", text });
  });
