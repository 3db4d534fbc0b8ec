/**
 * What each page trains, in one table: the algorithm, the env whose CLI preset it runs
 * (apps/cli/presets/<algorithm>.yml), the seed and the budget. The budget is the only setting the
 * demo chooses — a visitor waits under a minute, the presets train for minutes — and it is the
 * CLI's `--steps` flag, so every run here is the plain command `trainCommand` prints. Light on
 * purpose (no YAML, no tensors): the pages import it; the workers resolve the settings
 * (presets.ts).
 */
import type { Algorithm } from "../../../cli/src/configs.js";

export type AdversarialAlgorithm = "gail" | "airl" | "gan-gcl";

export interface DemoRun<A extends Algorithm = Algorithm> {
  algorithm: A;
  /** The env id of the preset, the env the policy trains in. */
  envId: string;
  seed: number;
  /** The `--steps` budget: env steps (epochs for bc), shorter than the preset's. */
  budget: number;
  /** Scripted-expert demonstration episodes (the benchmarks use 10). */
  demonstrationEpisodes: number;
}

/**
 * The adversarial page's runs on CartPole: each algorithm's tuned CartPole preset. GAIL and AIRL are
 * tuned on seals/CartPole-v0 (fixed 500-step episodes, so episode length leaks nothing about the
 * reward), GAN-GCL on CartPole-v1. Budgets are whole rounds of the presets' 8 envs × 256 steps,
 * longer than seed 0 needs to reach the expert's 500 on the page's evaluation episode (the run
 * stops there): measured 2026-12-02 in headless Chromium on the wasm backend, GAIL at round 28
 * (57,344 steps) of 40, GAN-GCL at round 22 of 30 and AIRL — with its preset's lighter
 * discriminator since issue 19 — at round 58 (118,784 steps) of 70 (its return stays near 40 until
 * round ~55); apps/demo/README.md has the wall times.
 */
export const ADVERSARIAL_RUNS: { readonly [A in AdversarialAlgorithm]: DemoRun<A> } = {
  gail: {
    algorithm: "gail",
    envId: "seals/CartPole-v0",
    seed: 0,
    budget: 81_920,
    demonstrationEpisodes: 10,
  },
  airl: {
    algorithm: "airl",
    envId: "seals/CartPole-v0",
    seed: 0,
    budget: 143_360,
    demonstrationEpisodes: 10,
  },
  "gan-gcl": {
    algorithm: "gan-gcl",
    envId: "CartPole-v1",
    seed: 0,
    budget: 61_440,
    demonstrationEpisodes: 10,
  },
};

/** The adversarial runs' tables: CartPole (`ADVERSARIAL_RUNS`) or Pendulum (`PENDULUM_RUNS`). */
export type AdversarialTask = "cartpole" | "pendulum";

/**
 * The continuous-control page's runs on Pendulum-v1: AIRL's and GAIL's Pendulum presets (rl-zoo's
 * PPO with an annealed learning rate, 4 envs × 1024 steps a round; AIRL with the clipped-action
 * likelihood, docs/algorithms/adversarial.md). Budgets are whole rounds of 4,096 steps, about
 * where the benchmarks' seed-0 runs reach the bench target −230 (GAIL 81,920; AIRL 170,667 on
 * average over seeds 0–2).
 */
export const PENDULUM_RUNS: {
  readonly [A in Exclude<AdversarialAlgorithm, "gan-gcl">]: DemoRun<A>;
} = {
  airl: {
    algorithm: "airl",
    envId: "Pendulum-v1",
    seed: 0,
    budget: 172_032,
    demonstrationEpisodes: 10,
  },
  gail: {
    algorithm: "gail",
    envId: "Pendulum-v1",
    seed: 0,
    budget: 122_880,
    demonstrationEpisodes: 10,
  },
};

/**
 * The MuJoCo page's run: behaviour cloning on seals/HalfCheetah-v1 with the CLI's preset
 * (presets/bc.yml: imitation's tuned BC, 20 epochs). BC takes seconds here, so the budget is the
 * preset's whole one, not a shortened one (demoRunSettings refuses a budget above the preset's; the
 * page's test checks they are equal). Demonstrations are the shipped PPO expert's deterministic
 * episodes; the default count is the one the page was measured with (apps/demo/README.md).
 */
export const MUJOCO_BC_RUN: DemoRun<"bc"> = {
  algorithm: "bc",
  envId: "seals/HalfCheetah-v1",
  seed: 0,
  budget: 20,
  demonstrationEpisodes: 15,
};

/** The demonstrations' seed (episode i reset with 10000 + i): the benchmarks' seed-0 demos. */
export const MUJOCO_DEMONSTRATION_SEED = 10_000;
/** The episode the page plays: `irlkit eval`'s first (seed 1000), never a demonstration's. */
export const MUJOCO_EVALUATION_SEED = 1000;
/** The demonstration counts the page offers. */
export const MUJOCO_EPISODE_CHOICES = [1, 2, 5, 10, 15, 25, 50] as const;

/** The CLI commands that record, train and score exactly what the MuJoCo page does. */
export function mujocoCommands(run: DemoRun<"bc">, episodes: number): string {
  return [
    `irlkit demos --env ${run.envId} --episodes ${episodes} --seed ${MUJOCO_DEMONSTRATION_SEED} --expert scripted --out DEMOS`,
    trainCommand(run),
    `irlkit eval RUN --episodes 1 --seed ${MUJOCO_EVALUATION_SEED}`,
  ].join(" && ");
}

/** The run of a task's table. @throws Error when the task has no run for the algorithm. */
export function adversarialRun(
  task: AdversarialTask,
  algorithm: AdversarialAlgorithm,
): DemoRun<AdversarialAlgorithm> {
  const run =
    task === "cartpole"
      ? ADVERSARIAL_RUNS[algorithm]
      : (PENDULUM_RUNS as Partial<Record<AdversarialAlgorithm, DemoRun<AdversarialAlgorithm>>>)[
          algorithm
        ];
  if (run === undefined) throw new Error(`The ${task} page has no ${algorithm} run.`);
  return run;
}

/** The budget's unit: env steps, or epochs for behaviour cloning. */
export function budgetUnit(algorithm: Algorithm): string {
  return algorithm === "bc" ? "epochs" : "env steps";
}

/** `apps/cli/presets/gail.yml`: where the run's settings come from. */
export function presetFilePath(algorithm: Algorithm): string {
  return `apps/cli/presets/${algorithm}.yml`;
}

/** The CLI command that trains with exactly the run's settings (`DEMOS`: the demonstrations). */
export function trainCommand(run: DemoRun): string {
  const demos = run.algorithm === "ppo" ? "" : " --demos DEMOS";
  return `irlkit train ${run.algorithm} --env ${run.envId}${demos} --seed ${run.seed} --steps ${run.budget}`;
}

/** "preset seals/CartPole-v0 from apps/cli/presets/gail.yml, budget shortened to 61,440 env steps". */
export function settingsNote(run: DemoRun, presetBudget?: number): string {
  const unit = budgetUnit(run.algorithm);
  const shortened =
    presetBudget === undefined
      ? `budget shortened to ${run.budget.toLocaleString("en-US")} ${unit}`
      : `budget shortened to ${run.budget.toLocaleString("en-US")} ${unit} (the preset trains ${presetBudget.toLocaleString("en-US")})`;
  return `preset ${run.envId} from ${presetFilePath(run.algorithm)}, ${shortened}`;
}
