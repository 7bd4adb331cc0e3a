// What a save found with the checks that cost no call (the `warnings` of PUT
// /admin/api/tenants/:id), shown under "Saved." instead of being dropped.
import type { CheckResult } from "../preflight/types.ts";
import type { Dictionary } from "./i18n.ts";

export function SaveWarnings({ t, warnings }: { t: Dictionary; warnings: readonly CheckResult[] | undefined }) {
  if (!warnings?.length) return null;
  return (
    <div class="notice warning" role="status" id="save-warnings">
      <strong>{t.saveWarnings}</strong>
      <ul class="checks">
        {warnings.map((w) => (
          <li data-warning={w.id} data-status={w.status}>
            <code>{w.id}</code> {w.message}
            {w.hint ? <div class="hint">{w.hint}</div> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
