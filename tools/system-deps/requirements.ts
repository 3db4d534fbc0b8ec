/**
 * The system packages the test suite uses, as data: what checks for each, which Debian packages
 * provide it, and whether the tests can run without it. `ensure.ts` installs what is missing.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export interface SystemRequirement {
  /** What is needed, for messages. */
  readonly description: string;
  /** The tests that need it, for messages. */
  readonly neededBy: string;
  /** Debian packages that provide it. */
  readonly debianPackages: readonly string[];
  /** When true the test suite cannot pass without it. */
  readonly required: boolean;
  readonly check: () => boolean;
}

function pythonHas(modules: readonly string[]): boolean {
  if (!existsSync("/usr/bin/python3")) return false;
  const probe = spawnSync("/usr/bin/python3", ["-c", `import ${modules.join(", ")}`], {
    stdio: "ignore",
  });
  return probe.status === 0;
}

export const requirements: readonly SystemRequirement[] = [
  {
    description: "Debian's Chromium at /usr/bin/chromium",
    neededBy: "the demo site's browser tests (apps/demo/src/e2e.test.ts)",
    debianPackages: ["chromium"],
    required: true,
    check: () => existsSync("/usr/bin/chromium"),
  },
  {
    description: "Debian's redis-server at /usr/bin/redis-server",
    neededBy:
      "the sweep queue tests (apps/cli/src/sweeps/sweep.test.ts start a real Redis for BullMQ)",
    debianPackages: ["redis-server"],
    required: true,
    check: () => existsSync("/usr/bin/redis-server"),
  },
  {
    description: "h5py and onnx for /usr/bin/python3",
    neededBy: "the h5py and onnx.checker cross-check tests",
    debianPackages: ["python3-h5py", "python3-onnx"],
    required: false,
    check: () => pythonHas(["h5py", "onnx"]),
  },
];
