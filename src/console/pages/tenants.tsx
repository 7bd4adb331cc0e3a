// The operator's view: every tenant, with its conversations by state, its hold if its
// syncs wait, and a way into each.
import { Hono } from "hono";
import { syncCounts } from "../../conversations/sync-store.ts";
import { everyTenantHold, listEveryTenant } from "../../tenants/every.ts";
import { tenantDb } from "../../tenants/placement.ts";
import type { ConsoleEnv } from "../env.ts";
import { Layout } from "../layout.tsx";

export const tenantsPage = new Hono<ConsoleEnv>().get("/tenants", async (c) => {
  const { t, lang, session } = c.var;
  const tenants = await listEveryTenant(c.env, c.var.config.ENCRYPTION_KEY);
  const counts = await Promise.all(tenants.map((r) => syncCounts(tenantDb(c.env, r.id), r.id)));
  const holds = await everyTenantHold(c.env);
  return c.html(
    <Layout t={t} lang={lang} title={t.tenants} session={session}>
      <section>
        {tenants.length === 0 ? (
          <p class="muted">{t.none}</p>
        ) : (
          <table id="tenants">
            <thead>
              <tr>
                <th scope="col">id</th>
                <th scope="col">{t.name}</th>
                <th scope="col">synced</th>
                <th scope="col">pending</th>
                <th scope="col">failed</th>
                <th scope="col">{t.hold}</th>
                <th scope="col">{t.updated}</th>
              </tr>
            </thead>
            <tbody>
              {tenants.map((r, i) => (
                <tr data-tenant={r.id}>
                  <td>
                    <a href={`/setup/t/${r.id}/activity`}>{r.id}</a>
                  </td>
                  <td>{typeof r.settings.name === "string" ? r.settings.name : ""}</td>
                  <td>{counts[i]?.synced ?? 0}</td>
                  <td>{counts[i]?.pending ?? 0}</td>
                  <td>{counts[i]?.failed ?? 0}</td>
                  <td>{holds.get(r.id)?.reason ?? ""}</td>
                  <td>{r.updatedAt}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>,
  );
});
