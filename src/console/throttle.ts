// Brute-force throttling of console sign-ins: attempts counted per key (an IP, a tenant)
// in fixed windows, with one atomic D1 statement per key, so concurrent isolates agree.

export interface Limit {
  key: string;
  max: number;
  windowMs: number;
}

export const SIGNIN_LIMITS = {
  perIp: { max: 20, windowMs: 15 * 60 * 1000 },
  perTenant: { max: 10, windowMs: 15 * 60 * 1000 },
} as const;

/**
 * Counts one attempt against each limit; the first limit already exceeded, if any.
 * The count and the window reset are one upsert, so no attempt is lost to a race.
 */
export async function countAttempt(db: D1Database, limits: readonly Limit[], now: Date): Promise<Limit | undefined> {
  const statements = limits.map((l) =>
    db
      .prepare(
        `INSERT INTO signin_attempts (key, window_start, attempts) VALUES (?1, ?2, 1)
         ON CONFLICT (key) DO UPDATE SET
           attempts = CASE WHEN window_start < ?3 THEN 1 ELSE attempts + 1 END,
           window_start = CASE WHEN window_start < ?3 THEN ?2 ELSE window_start END
         RETURNING attempts`,
      )
      .bind(l.key, now.toISOString(), new Date(now.getTime() - l.windowMs).toISOString()),
  );
  const results = await db.batch<{ attempts: number }>(statements);
  return limits.find((l, i) => (results[i]?.results[0]?.attempts ?? 0) > l.max);
}
