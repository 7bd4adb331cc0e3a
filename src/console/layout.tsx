// The page frame: header, tenant navigation, language switch, sign-out; no inline script or style.
import type { Child } from "hono/jsx";
import type { Dictionary, Lang } from "./i18n.ts";
import type { Session } from "./session.ts";

export type Page = "iadvize" | "salesforce" | "mapping" | "escalation" | "checks" | "activity";

interface LayoutProps {
  t: Dictionary;
  lang: Lang;
  title: string;
  session?: Session | undefined;
  tenantId?: string;
  page?: Page;
  children?: Child;
}

const NAV: { page: Page; key: keyof Dictionary }[] = [
  { page: "iadvize", key: "navIadvize" },
  { page: "salesforce", key: "navSalesforce" },
  { page: "mapping", key: "navMapping" },
  { page: "escalation", key: "navEscalation" },
  { page: "checks", key: "navChecks" },
  { page: "activity", key: "navActivity" },
];

export function Layout({ t, lang, title, session, tenantId, page, children }: LayoutProps) {
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t.title}`}</title>
        <link rel="stylesheet" href="/setup/assets/console.css" />
        <script src="/setup/assets/console.js" defer></script>
      </head>
      <body>
        <header>
          <span class="brand">{t.title}</span>
          {tenantId ? <span>{tenantId}</span> : null}
          {session?.kind === "operator" ? <a href="/setup/tenants">{t.navTenants}</a> : null}
          <span class="lang">
            <a href="?lang=en" lang="en" aria-current={lang === "en" ? "true" : undefined}>English</a>
            <a href="?lang=fr" lang="fr" aria-current={lang === "fr" ? "true" : undefined}>Français</a>
          </span>
          {session ? (
            <form method="post" action="/setup/signout">
              <button type="submit">{t.signOut}</button>
            </form>
          ) : null}
        </header>
        {tenantId ? (
          <nav aria-label={t.title}>
            <ul>
              {NAV.map((n) => (
                <li>
                  <a href={`/setup/t/${tenantId}/${n.page}`} aria-current={n.page === page ? "page" : undefined}>
                    {t[n.key]}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        <main>
          <h1>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}

export function Notice({ kind, children }: { kind: "ok" | "error"; children?: Child }) {
  return (
    <div class={`notice ${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </div>
  );
}
