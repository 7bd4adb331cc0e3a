// `npm run backfill` refuses a range longer than the Worker takes before sending anything:
// it says why and exits 2 (the connector's address here answers nothing).
import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;

function backfill(...args: string[]) {
  return spawnSync(process.execPath, ["src/cli/backfill.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, ADMIN_TOKEN: "t", CONNECTOR_URL: "http://127.0.0.1:9" },
    encoding: "utf8",
    timeout: 30_000,
  });
}

it("refuses a range longer than 731 days, and a range that is not dates, without calling the Worker", () => {
  const long = backfill("ha-1", "--from", "2024-10-30", "--to", "2026-11-01");
  expect(long.status).toBe(2);
  expect(long.stderr).toMatch(/at most 731 days \(2 years\); this range has 732: split it/);
  expect(backfill("ha-1", "--from", "0000-01-01", "--to", "2026-11-01").status).toBe(2);
  const garbled = backfill("ha-1", "--from", "yesterday", "--to", "2026-11-01");
  expect(garbled.status).toBe(2);
  expect(garbled.stderr).toMatch(/must be dates/);
});
