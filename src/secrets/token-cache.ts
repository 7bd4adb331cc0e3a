// Access tokens, one per tenant and service, shared by every request of every isolate:
// kept in memory and, sealed, in D1. One login at a time per tenant and service: within
// an isolate by sharing the pending promise, across isolates by a short lease in D1.
import { decrypt, encrypt } from "./cipher.ts";
import { UpstreamError } from "../lib/upstream-error.ts";
import type { Service } from "../lib/upstream-error.ts";

/** What a login gives: the token, how long it lasts, and anything else worth keeping with it. */
export interface Issued<T> {
  value: T;
  token: string;
  expiresInSec: number;
}

export interface TokenCacheDeps<T> {
  db: D1Database;
  keys: readonly string[];
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  login: () => Promise<Issued<T>>;
}

/** Stop using a token this long before it expires (at most half its life). */
const EXPIRY_MARGIN_MS = 10 * 60 * 1000;
const LEASE_MS = 30_000;
const WAIT_FOR_OTHER_LOGIN_MS = 20_000;
const POLL_MS = 200;

interface Cached {
  value: unknown;
  token: string;
  expiresAt: number;
}

const memory = new Map<string, Cached>();
const pending = new Map<string, Promise<Cached>>();

const keyOf = (service: Service, tenantId: string) => `${service}:${tenantId}`;
const context = (service: Service, tenantId: string) => `${tenantId}/${service}-token`;

/**
 * A valid token for the tenant and service. `rejected` is a token the service just
 * refused: it is not handed out again, and a fresh login happens unless another
 * request already made one.
 */
export async function getToken<T>(
  service: Service,
  deps: TokenCacheDeps<T>,
  tenantId: string,
  rejected?: string,
): Promise<{ token: string; value: T }> {
  const key = keyOf(service, tenantId);
  const cached = memory.get(key);
  let found: Cached;
  if (cached && cached.expiresAt > deps.now() && cached.token !== rejected) {
    found = cached;
  } else {
    let p = pending.get(key);
    if (!p) {
      p = obtain(service, deps, tenantId, rejected).finally(() => pending.delete(key));
      pending.set(key, p);
    }
    found = await p;
  }
  return { token: found.token, value: found.value as T };
}

/** Forgets the isolate's copies; for tests, and when a tenant's credentials change. */
export function forgetTokens(tenantId?: string): void {
  if (tenantId === undefined) memory.clear();
  else for (const key of [...memory.keys()]) if (key.endsWith(`:${tenantId}`)) memory.delete(key);
}

/** Forgets the stored tokens of a tenant, so that the next use logs in with its new credentials. */
export async function dropStoredTokens(db: D1Database, tenantId: string): Promise<void> {
  forgetTokens(tenantId);
  await db.prepare(`DELETE FROM access_tokens WHERE tenant_id = ?1`).bind(tenantId).run();
}

async function obtain<T>(service: Service, deps: TokenCacheDeps<T>, tenantId: string, rejected: string | undefined): Promise<Cached> {
  const deadline = deps.now() + WAIT_FOR_OTHER_LOGIN_MS;
  await deps.db.prepare(`INSERT OR IGNORE INTO access_tokens (tenant_id, service) VALUES (?1, ?2)`).bind(tenantId, service).run();
  for (;;) {
    const row = await deps.db
      .prepare(`SELECT token, expires_at FROM access_tokens WHERE tenant_id = ?1 AND service = ?2`)
      .bind(tenantId, service)
      .first<{ token: string | null; expires_at: string | null }>();
    if (row?.token && row.expires_at && Date.parse(row.expires_at) > deps.now()) {
      const opened = await decrypt(deps.keys, row.token, context(service, tenantId)).catch(() => undefined);
      const cached = opened ? (JSON.parse(opened) as { token: string; value: unknown }) : undefined;
      if (cached && cached.token !== rejected) {
        const entry = { ...cached, expiresAt: Date.parse(row.expires_at) };
        memory.set(keyOf(service, tenantId), entry);
        return entry;
      }
    }

    const now = deps.now();
    const lease = await deps.db
      .prepare(
        `UPDATE access_tokens SET lease_until = ?3
         WHERE tenant_id = ?1 AND service = ?2 AND (lease_until IS NULL OR lease_until < ?4)`,
      )
      .bind(tenantId, service, new Date(now + LEASE_MS).toISOString(), new Date(now).toISOString())
      .run();
    if (lease.meta.changes === 1) return loginAndStore(service, deps, tenantId);

    if (deps.now() > deadline) {
      throw new UpstreamError(service, "login_pending", "another login for this tenant is still under way", { retryable: true });
    }
    await deps.sleep(POLL_MS);
  }
}

async function loginAndStore<T>(service: Service, deps: TokenCacheDeps<T>, tenantId: string): Promise<Cached> {
  try {
    const issued = await deps.login();
    const life = issued.expiresInSec * 1000;
    const expiresAt = deps.now() + Math.max(0, life - Math.min(EXPIRY_MARGIN_MS, life / 2));
    const entry: Cached = { token: issued.token, value: issued.value, expiresAt };
    const sealed = await encrypt(deps.keys, JSON.stringify({ token: issued.token, value: issued.value }), context(service, tenantId));
    await deps.db
      .prepare(`UPDATE access_tokens SET token = ?3, expires_at = ?4, lease_until = NULL WHERE tenant_id = ?1 AND service = ?2`)
      .bind(tenantId, service, sealed, new Date(expiresAt).toISOString())
      .run();
    memory.set(keyOf(service, tenantId), entry);
    return entry;
  } catch (err) {
    await deps.db.prepare(`UPDATE access_tokens SET lease_until = NULL WHERE tenant_id = ?1 AND service = ?2`).bind(tenantId, service).run();
    throw err;
  }
}
