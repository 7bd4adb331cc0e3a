// iAdvize tokens, one per tenant, shared by every request of every isolate: kept in
// memory and, sealed, in D1. One login at a time per tenant: within an isolate by
// sharing the pending promise, across isolates by a short lease in D1.
import { decrypt, encrypt } from "../tenants/cipher.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import type { IssuedToken } from "./login.ts";

export interface TokenDeps {
  db: D1Database;
  keys: readonly string[];
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  login: () => Promise<IssuedToken>;
}

/** Stop using a token this long before iAdvize says it expires. */
const EXPIRY_MARGIN_MS = 10 * 60 * 1000;
const LEASE_MS = 30_000;
const WAIT_FOR_OTHER_LOGIN_MS = 20_000;
const POLL_MS = 200;

interface Cached {
  token: string;
  expiresAt: number;
}

const memory = new Map<string, Cached>();
const pending = new Map<string, Promise<string>>();

const context = (tenantId: string) => `${tenantId}/iadvize-token`;

/**
 * A valid token for the tenant. `rejected` is a token iAdvize just refused: it is not
 * handed out again, and a fresh login happens unless another request already made one.
 */
export function getToken(deps: TokenDeps, tenantId: string, rejected?: string): Promise<string> {
  const cached = memory.get(tenantId);
  if (cached && cached.expiresAt > deps.now() && cached.token !== rejected) return Promise.resolve(cached.token);
  let p = pending.get(tenantId);
  if (!p) {
    p = obtain(deps, tenantId, rejected).finally(() => pending.delete(tenantId));
    pending.set(tenantId, p);
  }
  return p;
}

/** Forgets the isolate's copies; for tests, and when a tenant's credentials change. */
export function forgetTokens(tenantId?: string): void {
  if (tenantId === undefined) memory.clear();
  else memory.delete(tenantId);
}

async function obtain(deps: TokenDeps, tenantId: string, rejected: string | undefined): Promise<string> {
  const deadline = deps.now() + WAIT_FOR_OTHER_LOGIN_MS;
  await deps.db.prepare(`INSERT OR IGNORE INTO iadvize_tokens (tenant_id) VALUES (?1)`).bind(tenantId).run();
  for (;;) {
    const row = await deps.db
      .prepare(`SELECT token, expires_at FROM iadvize_tokens WHERE tenant_id = ?1`)
      .bind(tenantId)
      .first<{ token: string | null; expires_at: string | null }>();
    if (row?.token && row.expires_at && Date.parse(row.expires_at) > deps.now()) {
      const token = await decrypt(deps.keys, row.token, context(tenantId)).catch(() => undefined);
      if (token && token !== rejected) {
        memory.set(tenantId, { token, expiresAt: Date.parse(row.expires_at) });
        return token;
      }
    }

    const now = deps.now();
    const lease = await deps.db
      .prepare(
        `UPDATE iadvize_tokens SET lease_until = ?2 WHERE tenant_id = ?1 AND (lease_until IS NULL OR lease_until < ?3)`,
      )
      .bind(tenantId, new Date(now + LEASE_MS).toISOString(), new Date(now).toISOString())
      .run();
    if (lease.meta.changes === 1) return loginAndStore(deps, tenantId);

    if (deps.now() > deadline) {
      throw new UpstreamError("iadvize", "login_pending", "another login for this tenant is still under way", { retryable: true });
    }
    await deps.sleep(POLL_MS);
  }
}

async function loginAndStore(deps: TokenDeps, tenantId: string): Promise<string> {
  try {
    const issued = await deps.login();
    const expiresAt = deps.now() + Math.max(0, issued.expiresInSec * 1000 - EXPIRY_MARGIN_MS);
    const sealed = await encrypt(deps.keys, issued.token, context(tenantId));
    await deps.db
      .prepare(`UPDATE iadvize_tokens SET token = ?2, expires_at = ?3, lease_until = NULL WHERE tenant_id = ?1`)
      .bind(tenantId, sealed, new Date(expiresAt).toISOString())
      .run();
    memory.set(tenantId, { token: issued.token, expiresAt });
    return issued.token;
  } catch (err) {
    await deps.db.prepare(`UPDATE iadvize_tokens SET lease_until = NULL WHERE tenant_id = ?1`).bind(tenantId).run();
    throw err;
  }
}
