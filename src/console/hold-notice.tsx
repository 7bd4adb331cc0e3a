// Why a tenant's syncs wait, shown on top of Activity: blocked by a contract problem (what
// is missing, by name, and how to fix it), or paused by an outage (which service, until when).
import { CONTRACT_REASONS } from "../sync/holds.ts";
import type { HoldReason, TenantHold } from "../sync/holds.ts";
import type { Dictionary } from "./i18n.ts";

export const isBlocking = (hold: TenantHold | null): boolean => hold !== null && CONTRACT_REASONS.includes(hold.reason);

const WHAT: Record<HoldReason, keyof Dictionary> = {
  iadvize_schema_mismatch: "holdIadvizeSchema",
  salesforce_package_missing: "holdSalesforcePackage",
  iadvize_unavailable: "holdIadvizeDown",
  salesforce_unavailable: "holdSalesforceDown",
  salesforce_request_limit: "holdRequestLimit",
};

const FIX: Partial<Record<HoldReason, keyof Dictionary>> = {
  iadvize_schema_mismatch: "holdIadvizeSchemaFix",
  salesforce_package_missing: "holdSalesforcePackageFix",
};

export function HoldNotice({ hold, t, tenantId }: { hold: TenantHold; t: Dictionary; tenantId: string }) {
  const blocked = isBlocking(hold);
  const fix = FIX[hold.reason];
  return (
    <div class={`notice ${blocked ? "error" : "warning"}`} role={blocked ? "alert" : "status"} data-hold={hold.reason} data-hold-kind={blocked ? "blocked" : "paused"}>
      <strong>{blocked ? t.holdBlocked : t.holdPaused}</strong> {t[WHAT[hold.reason]]} <code>{hold.reason}</code>
      {hold.paths.length > 0 ? (
        <ul class="paths">
          {hold.paths.map((p) => (
            <li>
              <code>{p}</code>
            </li>
          ))}
        </ul>
      ) : null}
      <div class="hint">
        {hold.until ? `${t.holdUntil} ${hold.until}. ` : ""}
        {`${t.holdSince} ${hold.since}.`}
      </div>
      {fix ? (
        <div class="hint">
          {t[fix]} <a href={`/setup/t/${tenantId}/checks`}>{t.holdRecheck}</a>
        </div>
      ) : null}
    </div>
  );
}
