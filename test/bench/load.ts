// A small closed-loop HTTP load generator: keeps `concurrency` requests in flight over
// keep-alive connections and records each request's latency.
import { Pool } from "undici";

export interface PreparedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface PhaseResult {
  requests: number;
  seconds: number;
  rps: number;
  latenciesMs: number[];
  statuses: Map<number, number>;
}

export async function runPhase(
  origin: string,
  host: string,
  requests: readonly PreparedRequest[],
  concurrency: number,
): Promise<PhaseResult> {
  const pool = new Pool(origin, { connections: concurrency, pipelining: 1 });
  const latenciesMs: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      const req = requests[i];
      if (!req) return;
      const t0 = performance.now();
      const res = await pool.request({
        method: "POST",
        path: req.path,
        headers: { ...req.headers, host },
        body: req.body,
      });
      await res.body.text();
      latenciesMs.push(performance.now() - t0);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return { requests: requests.length, seconds, rps: requests.length / seconds, latenciesMs, statuses };
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}
