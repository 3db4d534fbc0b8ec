/**
 * The dependency table of docs/architecture.md as data. `check.ts` enforces it on every
 * import in `packages/<name>/src` and on every package.json; apps may import anything.
 */
export interface PackageRule {
  /** Workspace packages this package may import (in its published code). */
  internal: readonly string[];
  /** Extra workspace packages its tests (and `./testing` fakes) may import. */
  internalInTests?: readonly string[];
  /** Third-party import prefixes this package may use; `undefined` = any except the forbidden ones. */
  external?: readonly string[];
}

/** Imports only `@irlkit/nn` may make: the tensor library stays swappable behind it. */
export const tensorLibraryPrefixes = ["@tensorflow/"] as const;

export const packageRules: Readonly<Record<string, PackageRule>> = {
  "@irlkit/core": { internal: [], external: [] },
  "@irlkit/envs": { internal: ["@irlkit/core"], external: [] },
  "@irlkit/mujoco": { internal: ["@irlkit/core", "@irlkit/envs"], external: ["@mujoco/mujoco"] },
  "@irlkit/samplers": { internal: ["@irlkit/core"], internalInTests: ["@irlkit/envs"] },
  "@irlkit/nn": { internal: ["@irlkit/core"] },
  "@irlkit/rewards": { internal: ["@irlkit/core", "@irlkit/nn", "@irlkit/samplers"] },
  "@irlkit/rl": {
    internal: ["@irlkit/core", "@irlkit/nn", "@irlkit/envs", "@irlkit/samplers"],
  },
  "@irlkit/irl": {
    internal: [
      "@irlkit/core",
      "@irlkit/nn",
      "@irlkit/envs",
      "@irlkit/samplers",
      "@irlkit/rewards",
      "@irlkit/rl",
    ],
  },
  "@irlkit/adversarial": {
    internal: [
      "@irlkit/core",
      "@irlkit/nn",
      "@irlkit/envs",
      "@irlkit/samplers",
      "@irlkit/rewards",
      "@irlkit/rl",
    ],
  },
  "@irlkit/onnx": {
    internal: ["@irlkit/core", "@irlkit/nn", "@irlkit/rewards", "@irlkit/rl"],
    internalInTests: ["@irlkit/envs", "@irlkit/samplers"],
  },
};

/** Files that may import `node:` modules: Node-only subpaths and tests. */
export function isNodeOnlyFile(relativePath: string): boolean {
  return (
    /(^|\/)node\.ts$/.test(relativePath) ||
    /(^|\/)node\//.test(relativePath) ||
    /\.node\.ts$/.test(relativePath) ||
    isTestFile(relativePath)
  );
}

export function isTestFile(relativePath: string): boolean {
  return /\.test\.ts$/.test(relativePath) || /(^|\/)test\//.test(relativePath);
}

/** `./testing` fakes may use what tests use. */
export function isTestingFile(relativePath: string): boolean {
  return /(^|\/)testing(\.ts|\/)/.test(relativePath);
}
