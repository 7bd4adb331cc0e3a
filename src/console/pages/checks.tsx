// The Checks page: the preflight (the same run as POST /admin/api/tenants/:id/check) as a
// checklist, each line with its hint.
import { Hono } from "hono";
import type { Context } from "hono";
import type { Report } from "../../preflight/runner.ts";
import { preflightTenant } from "../../preflight/tenant.ts";
import { getTenantConfig } from "../../tenants/store.ts";
import type { ConsoleEnv } from "../env.ts";
import { Layout, Notice } from "../layout.tsx";
import { tenantOf } from "../tenant.ts";
import { tenantDb } from "../../tenants/placement.ts";

const MARK = { ok: "✓", warning: "!", failed: "✗", skipped: "–" } as const;

function page(c: Context<ConsoleEnv>, report?: Report) {
  const { t, lang, session } = c.var;
  const id = tenantOf(c);
  return c.html(
    <Layout t={t} lang={lang} title={t.navChecks} session={session} tenantId={id} page="checks">
      <section>
        <p>{t.checksIntro}</p>
        <form method="post" action={`/setup/t/${id}/checks`}>
          <button type="submit">{t.runChecks}</button>
        </form>
      </section>
      {report ? (
        <section aria-live="polite">
          <Notice kind={report.ok ? "ok" : "error"}>{report.ok ? t.allGood : t.somethingFails}</Notice>
          <p class="muted">
            {t.checkedAt} {report.checkedAt}
          </p>
          <ul class="checks">
            {report.checks.map((check) => (
              <li data-check={check.id} data-status={check.status}>
                <span class={`status status-${check.status}`}>
                  {MARK[check.status]} {check.status}
                </span>{" "}
                <code>{check.id}</code> {check.message}
                {check.hint ? <div class="hint">{check.hint}</div> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Layout>,
  );
}

export const checksPage = new Hono<ConsoleEnv>()
  .get("/t/:tenantId/checks", (c) => page(c))
  .post("/t/:tenantId/checks", async (c) => {
    const id = tenantOf(c);
    const tenant = await getTenantConfig(tenantDb(c.env, id), c.var.config.ENCRYPTION_KEY, id);
    // Signed in as a tenant that has been deleted since: nothing to check.
    if (!tenant) return c.redirect("/setup", 303);
    return page(c, await preflightTenant(c.env, c.var.config, id, tenant));
  });
