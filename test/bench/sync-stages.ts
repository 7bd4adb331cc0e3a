// Where a burst's time goes, per conversation: from the webhook to its event stored and
// applied (D1's events), to the start of the sync run that took it, and through that
// run's stages (its `sync.run` log line: claim, budget, iAdvize reads, Salesforce read,
// writes, settle). Durations only: no conversation data is printed.
import { percentile } from "./load.ts";

/** What this needs of the local D1 (Miniflare's handle). */
interface Db {
  prepare(sql: string): { all<T>(): Promise<{ results: T[] }> };
}

const STAGES = ["claim", "budget", "iadvize", "salesforceRead", "salesforceWrite", "settle"] as const;
type Stage = (typeof STAGES)[number];

export interface RunLine {
  tenantId: string;
  claimed: number;
  /** Of those, read early while the burst's sync waited. */
  readEarly: number;
  calls: number;
  startedAt: number;
  endedAt: number;
  ms: Record<Stage, number>;
}

/** A `sync.run` log line of the Worker, or null for any other line. */
export function runLineOf(message: string): RunLine | null {
  let line: unknown;
  try {
    line = JSON.parse(message);
  } catch {
    return null;
  }
  if (typeof line !== "object" || line === null) return null;
  const f = line as Record<string, unknown>;
  if (f.event !== "sync.run" || typeof f.startedAt !== "string" || typeof f.tenantId !== "string") return null;
  const ms = Object.fromEntries(STAGES.map((s) => [s, typeof f[`${s}Ms`] === "number" ? (f[`${s}Ms`] as number) : 0])) as Record<Stage, number>;
  const startedAt = Date.parse(f.startedAt);
  const total = STAGES.reduce((n, s) => n + ms[s], 0);
  return { tenantId: f.tenantId, claimed: Number(f.claimed), readEarly: Number(f.readEarly ?? 0), calls: Number(f.calls), startedAt, endedAt: startedAt + total, ms };
}

interface Row {
  tenant_id: string;
  conversation_id: string;
  received_at: string;
  processed_at: string;
  synced_at: string | null;
}

const SEGMENTS = ["intake (webhook -> event stored)", "event queue + consumer", "sync message + burst wait", ...STAGES.map((s) => `run: ${s}`)] as const;

/** Lines describing each segment's mean over every conversation and over the slowest 5 %, then each run. */
export async function stageReport(db: Db, runs: readonly RunLine[], sentAt: ReadonlyMap<string, number>, writtenAt: ReadonlyMap<string, number>): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT e.tenant_id, e.conversation_id, e.received_at, e.updated_at AS processed_at, c.synced_at
       FROM events e JOIN conversations c ON c.tenant_id = e.tenant_id AND c.conversation_id = e.conversation_id
       WHERE e.event_type = 'v2.conversation.closed'`,
    )
    .all<Row>();
  const perConversation: { latency: number; parts: number[] }[] = [];
  let unmatched = 0;
  for (const r of results) {
    const sent = sentAt.get(r.conversation_id);
    const written = writtenAt.get(r.conversation_id);
    const synced = r.synced_at ? Date.parse(r.synced_at) : Number.NaN;
    const run = runs.find((x) => x.tenantId === r.tenant_id && x.startedAt <= synced && synced <= x.endedAt + 1);
    if (sent === undefined || written === undefined || !run) {
      unmatched++;
      continue;
    }
    const received = Date.parse(r.received_at);
    const processed = Date.parse(r.processed_at);
    perConversation.push({ latency: written - sent, parts: [received - sent, processed - received, run.startedAt - processed, ...STAGES.map((s) => run.ms[s])] });
  }
  const p95 = percentile(
    perConversation.map((c) => c.latency),
    95,
  );
  const tail = perConversation.filter((c) => c.latency >= p95);
  const mean = (list: typeof perConversation, i: number) => list.reduce((n, c) => n + (c.parts[i] ?? 0), 0) / Math.max(1, list.length) / 1000;
  const lines = [`stages per conversation (s; mean over all ${perConversation.length}, and over the ${tail.length} at or above p95${unmatched ? `; ${unmatched} not matched to a run` : ""}):`];
  SEGMENTS.forEach((name, i) => lines.push(`  ${name.padEnd(34)} ${mean(perConversation, i).toFixed(2).padStart(6)}  ${mean(tail, i).toFixed(2).padStart(6)}`));
  const first = Math.min(...sentAt.values());
  lines.push(`runs (start s after the first webhook, tenant, conversations, of which read early, calls, stage ms: ${STAGES.join(" ")}):`);
  for (const r of [...runs].filter((x) => x.claimed > 0).sort((a, b) => a.startedAt - b.startedAt)) {
    lines.push(`  ${((r.startedAt - first) / 1000).toFixed(2).padStart(6)} ${r.tenantId} ${String(r.claimed).padStart(3)} ${String(r.readEarly).padStart(3)} ${r.calls} ${STAGES.map((s) => r.ms[s]).join(" ")}`);
  }
  return lines;
}
