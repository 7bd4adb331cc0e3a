// The demo's temporary folder (its fresh local D1 and Queues) and its end: whether the
// demo is stopped (SIGINT, SIGTERM) or ends by itself, the folder is removed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A new folder under the system's temp folder, removed when the process exits, however it exits. */
export function scratchFolder(prefix: string): string {
  const path = mkdtempSync(join(tmpdir(), prefix));
  process.on("exit", () => rmSync(path, { recursive: true, force: true }));
  return path;
}

/** On SIGINT or SIGTERM: `stop` (which ends what the process started), then exit 0, so the exit handlers run. */
export function onStopSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    void stop().finally(() => process.exit(0));
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
}
