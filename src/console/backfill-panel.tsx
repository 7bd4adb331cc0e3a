// The Activity page's backfill panel: the tenant's backfill under way (or its latest),
// with the progress the admin API shows. It starts none: `npm run backfill` or the admin
// API does. Its few words live here, in both languages.
import { duration, progressOf } from "../backfill/progress.ts";
import { backfillSyncCounts, currentBackfill } from "../backfill/store.ts";
import type { Lang } from "./i18n.ts";

const TEXT = {
  en: { title: "History backfill", dry: "dry run", read: "read", known: "already known", written: "written", failed: "failed", waiting: "waiting", eta: "time left", held: "held", leads: "would create a Lead", calls: "Salesforce calls" },
  fr: { title: "Import de l'historique", dry: "simulation", read: "lues", known: "déjà connues", written: "écrites", failed: "en échec", waiting: "en attente", eta: "temps restant", held: "en pause", leads: "créeraient un Lead", calls: "appels Salesforce" },
} as const;

export async function BackfillPanel(props: { db: D1Database; tenantId: string; lang: Lang }) {
  const row = await currentBackfill(props.db, props.tenantId);
  if (!row) return null;
  const p = progressOf(row, await backfillSyncCounts(props.db, row.id), new Date());
  const t = TEXT[props.lang];
  const figures: [string, number][] = p.dryRun
    ? [[t.read, p.read], [t.leads, p.estimate?.wouldCreateLead ?? 0], [t.calls, p.estimate?.salesforceCalls ?? 0]]
    : [[t.read, p.read], [t.known, p.known], [t.written, p.written], [t.failed, p.failed], [t.waiting, p.waiting]];
  return (
    <section id="backfill" data-status={p.status}>
      <h2>{`${t.title}${p.dryRun ? ` (${t.dry})` : ""}: ${p.from.slice(0, 10)} → ${p.to.slice(0, 10)}`}</h2>
      <p>
        <progress max={100} value={Math.floor(p.rangeRead * 100)}>{`${Math.floor(p.rangeRead * 100)} %`}</progress>{" "}
        {`${p.status} · ${t.eta} ${duration(p.etaSeconds)}`}
      </p>
      {p.hold ? <p class="muted">{`${t.held}: ${p.hold.reason}${p.hold.paths.length ? ` (${p.hold.paths.join(", ")})` : ""}`}</p> : null}
      <div class="counts">
        {figures.map(([label, n]) => (
          <div>
            {label}
            <strong>{n}</strong>
          </div>
        ))}
      </div>
    </section>
  );
}
