// The browser tests run in Node (not workerd): a real Chromium drives the Worker, which
// runs in workerd through Miniflare beside the emulators (test/browser/harness.ts).
// test/node: what only Node can test (the Worker over a raw socket as `npm start` runs
// it, the start script's edges, the workerd tests' independence from .dev.vars).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts", "test/node/**/*.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
