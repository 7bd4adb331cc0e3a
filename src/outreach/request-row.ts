// The columns every outreach request row has (an escalation, a deflection), and the SQL
// condition that leaves out the refusals made before any contact (kept for the audit only).

export interface NewRequest {
  id: string;
  tenantId: string;
  status: string;
  reason: string | null;
  provider: string;
  phoneHash: string;
  idemHash: string;
  details: string;
  country: string | null;
  language: string;
  consent: boolean | undefined;
  now: Date;
}

/** The row's shared columns, as D1 stores them (consent 1/0/NULL, ISO times). */
export function requestColumns(e: NewRequest) {
  const at = e.now.toISOString();
  return {
    id: e.id,
    tenant_id: e.tenantId,
    status: e.status,
    reason: e.reason,
    provider: e.provider,
    phone_hash: e.phoneHash,
    idem_hash: e.idemHash,
    details: e.details,
    country: e.country,
    language: e.language,
    consent: e.consent === undefined ? null : e.consent ? 1 : 0,
    created_at: at,
    updated_at: at,
  };
}

/** Rows that count for the limits and the repeat check: not those refused early for these reasons (constants of the code, never input). */
export function notRefusedEarly(reasons: readonly string[]): string {
  return `NOT (status = 'rejected' AND reason IN (${reasons.map((r) => `'${r}'`).join(", ")}))`;
}
