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
 * long enough for seed 0 to end at the expert's 500 (measured 2026-12-02, deterministic CartPole-v1
 * episode after each round): GAIL first 500 after round 20 and 500 over the last 4 of its 30 rounds;
 * GAN-GCL 500 (one 497) from round 21 of 30; AIRL needs more — 500 from round 67 of 70 in Node
 * (first at round 44), as the benchmarks' AIRL row needs ~110k steps where GAIL needs ~55k.
 */
export const ADVERSARIAL_RUNS: { readonly [A in AdversarialAlgorithm]: DemoRun<A> } = {
  gail: {
    algorithm: "gail",
    envId: "seals/CartPole-v0",
    seed: 0,
    budget: 61_440,
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
