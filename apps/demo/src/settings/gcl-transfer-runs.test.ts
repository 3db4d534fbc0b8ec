/**
 * The Guided Cost Learning and reward transfer pages train from the CLI's presets: every run of
 * gcl-transfer-runs.ts resolves exactly as `irlkit train ALGO --env ENV --seed S --steps N` does
 * from the files on disk, and differs from the preset alone only in its budget; the transfer's PPO
 * is what `irlkit transfer RUN --env PointMazeRight-v0 --seed 0` trains (presets/ppo.yml, the
 * preset's own budget), in the maze the AIRL preset observes.
 */
import { readFileSync } from "node:fs";
import { initBackend } from "@irlkit/nn";
import { loadRewardModel } from "@irlkit/rewards";
import { loadPolicy } from "@irlkit/rl";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../../cli/src/configs.js";
import { presetFor } from "../../../cli/src/presets.js";
import { GCL_RUN, TRANSFER_RUNS } from "./gcl-transfer-runs.js";
import { demoPreset, demoRunSettings } from "./presets.js";

beforeAll(async () => {
  await initBackend();
});

const runs = [GCL_RUN, TRANSFER_RUNS.airl, TRANSFER_RUNS.gail, TRANSFER_RUNS.transfer];

describe("the GCL and transfer pages' settings are the CLI's presets", () => {
  it.each(runs.map((run) => [`${run.algorithm} ${run.envId}`, run] as const))(
    "%s: the bundled preset is the CLI's and the run resolves as the CLI command does",
    (_name, run) => {
      const cliPreset = presetFor(run.algorithm, run.envId);
      expect(cliPreset).toBeDefined();
      expect(demoPreset(run.algorithm, run.envId)).toEqual(cliPreset);
      const demo = demoRunSettings(run);
      expect(demo.resolved).toEqual(
        resolveConfig(run.algorithm, {
          preset: cliPreset,
          flags: { seed: run.seed, totalTimesteps: run.budget },
        }),
      );
      const presetOnly = resolveConfig(run.algorithm, { preset: cliPreset });
      expect(demo.resolved.values).toEqual({
        ...presetOnly.values,
        seed: run.seed,
        totalTimesteps: run.budget,
      });
      expect(run.budget).toBeLessThanOrEqual(demo.presetBudget);
    },
  );

  it("every run keeps its preset's budget", () => {
    expect(demoRunSettings(GCL_RUN).presetBudget).toBe(60_000);
    expect(GCL_RUN.budget).toBe(60_000);
    // Whole GCL iterations: 4 envs × one 500-step episode.
    expect(GCL_RUN.budget % 2000).toBe(0);
    for (const run of [TRANSFER_RUNS.airl, TRANSFER_RUNS.gail]) {
      const { presetBudget, config } = demoRunSettings(run);
      expect(presetBudget).toBe(300_000);
      expect(run.budget).toBe(presetBudget);
      expect(config.envKwargs).toEqual({ includeVelocity: false });
    }
    // `irlkit transfer` resolves the ppo preset with `--seed` only: its own budget.
    const transfer = demoRunSettings(TRANSFER_RUNS.transfer);
    expect(transfer.resolved.values).toEqual(
      resolveConfig("ppo", { preset: presetFor("ppo", "PointMazeRight-v0"), flags: { seed: 0 } })
        .values,
    );
  });

  it("ships the CLI's AIRL reward and GAIL policy, which the library loads for the position-only maze", () => {
    const read = (name: string) =>
      readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");
    const reward = loadRewardModel(read("airl-point-maze-left-reward.json"));
    const policy = loadPolicy(read("gail-point-maze-left-policy.json"));
    try {
      // State-only g(s) of (x, y): it reads no action, so it transfers to the other maze.
      expect(reward.inputs).toEqual({
        observation: true,
        action: false,
        nextObservation: false,
        done: false,
      });
      expect(reward.observationSpace.shape).toEqual([2]);
      expect(policy.observationSpace.shape).toEqual([2]);
    } finally {
      reward.dispose();
      policy.dispose();
    }
  });
});
