// CPU time of a child process (workerd) from /proc, so a benchmark can report CPU per
// request beside throughput: CPU time barely depends on what else runs on the machine.
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** The pid of this process's child named `name`, or undefined (not Linux, not found). */
export function childPid(name: string): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && fields.comm === name && fields.ppid === process.pid) return Number(entry);
  }
  return undefined;
}

/** User + system CPU milliseconds used so far by `pid`, or NaN when it cannot be read. */
export function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const fields = statFields(pid);
  return fields ? ((fields.utime + fields.stime) * 1000) / TICKS_PER_SECOND : Number.NaN;
}

function statFields(pid: number): { comm: string; ppid: number; utime: number; stime: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may itself contain spaces or parentheses.
  const open = stat.indexOf("(");
  const close = stat.lastIndexOf(")");
  const rest = stat.slice(close + 2).split(" ");
  // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  return { comm: stat.slice(open + 1, close), ppid: Number(rest[1]), utime: Number(rest[11]), stime: Number(rest[12]) };
}
