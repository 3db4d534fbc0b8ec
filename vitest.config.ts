import { defineConfig } from "vitest/config";

// One configuration runs the tests of every package and app, plus the repository checks in tools/.
// Sibling packages resolve to their TypeScript sources through the "@irlkit/source" export
// condition (docs/decisions/0002-source-export-condition.md), so no build is needed to test.
export default defineConfig({
  resolve: {
    conditions: ["@irlkit/source"],
  },
  ssr: {
    resolve: {
      conditions: ["@irlkit/source"],
    },
  },
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      "apps/*/src/**/*.test.ts",
      "examples/**/*.test.ts",
      "tools/**/*.test.ts",
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
