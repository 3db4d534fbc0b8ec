/**
 * Regenerates the reward transfer page's fixtures in src/fixtures/ with the built CLI
 * (`IRLKIT_NO_SYSTEM_INSTALL=1 pnpm turbo run build --filter @irlkit/cli` first):
 *
 * - `airl-point-maze-left-reward.json`: the reward.json of
 *   `irlkit train airl --env PointMazeLeft-v0 --demos DEMOS --seed 0 --env-kwargs '{includeVelocity: false}'`
 *   (presets/airl.yml#PointMazeLeft-v0: AIRL state-only g(s), 300,000 env steps);
 * - `gail-point-maze-left-policy.json`: the policy.json of the same command with `train gail`
 *   (presets/gail.yml#PointMazeLeft-v0), the policy-transfer baseline;
 *
 * with DEMOS = `irlkit demos --env PointMazeLeft-v0 --episodes 10 --seed 10000 --env-kwargs
 * '{includeVelocity: false}'`. The presets' full budgets unless `--steps N` is given (then both
 * runs use N). Usage: `npx tsx apps/demo/scripts/make-point-maze-fixtures.ts [--steps N]`; about 3 minutes
 * per run on the 2-core development machine.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const cli = resolve(here, "../../cli/dist/cli.js");
const fixtures = resolve(here, "../src/fixtures");
const ENV_ID = "PointMazeLeft-v0";
const ENV_KWARGS = "{includeVelocity: false}";

function stepsArgument(argv: readonly string[]): string[] {
  const index = argv.indexOf("--steps");
  if (index < 0) return [];
  const value = argv[index + 1];
  if (value === undefined || !/^[1-9][0-9]*$/.test(value)) {
    throw new Error(`--steps: expected a positive integer, found ${JSON.stringify(value)}`);
  }
  return ["--steps", value];
}

function irlkit(args: readonly string[]): void {
  process.stdout.write(`irlkit ${args.join(" ")}\n`);
  execFileSync(process.execPath, [cli, ...args], { stdio: "inherit" });
}

/** The only run directory under `runs/ALGO/ENV` of a fresh root. */
function runDirectory(runs: string, algorithm: string): string {
  const parent = join(runs, algorithm, ENV_ID);
  const [run] = readdirSync(parent);
  if (run === undefined) throw new Error(`${parent} holds no run directory.`);
  return join(parent, run);
}

const work = mkdtempSync(join(tmpdir(), "irlkit-point-maze-fixtures-"));
try {
  const demos = join(work, "demos");
  const runs = join(work, "runs");
  const steps = stepsArgument(process.argv.slice(2));
  irlkit([
    "demos",
    "--env",
    ENV_ID,
    "--episodes",
    "10",
    "--seed",
    "10000",
    "--out",
    demos,
    "--env-kwargs",
    ENV_KWARGS,
  ]);
  for (const algorithm of ["airl", "gail"]) {
    irlkit([
      "train",
      algorithm,
      "--env",
      ENV_ID,
      "--demos",
      demos,
      "--seed",
      "0",
      "--out",
      runs,
      "--env-kwargs",
      ENV_KWARGS,
      ...steps,
    ]);
  }
  copyFileSync(
    join(runDirectory(runs, "airl"), "reward.json"),
    join(fixtures, "airl-point-maze-left-reward.json"),
  );
  copyFileSync(
    join(runDirectory(runs, "gail"), "policy.json"),
    join(fixtures, "gail-point-maze-left-policy.json"),
  );
  process.stdout.write(`wrote the fixtures in ${fixtures}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
