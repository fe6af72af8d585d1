import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    setupFiles: ["test/remove-temporary-directories.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // bin/candor.js runs the TypeScript sources, never a dist/ build older than them; the
    // compiled build has its own test (test/compiled-build.test.ts).
    env: { CANDOR_FROM_SOURCE: "1" },
  },
});
