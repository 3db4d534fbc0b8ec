/**
 * The demo trains from the CLI's presets: for every run of the adversarial page, the settings the
 * worker resolves (preset files bundled as text, parsed in the browser-safe half) are exactly what
 * the CLI resolves from the files on disk for `irlkit train ALGO --env ENV --seed S --steps N`, and
 * differ from the preset alone only in the documented budget.
 */
import { make, spec } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { generateDemonstrations } from "@irlkit/samplers";
import { describe, expect, it } from "vitest";
import { resolveConfig, stepsKey } from "../../../cli/src/configs.js";
import { presetFor, readPresets } from "../../../cli/src/presets.js";
import {
  type AdversarialConfig,
  buildAdversarialRun,
  makeRunEnv,
} from "../workers/adversarial-setup.js";
import { ADVERSARIAL_RUNS, PENDULUM_RUNS, settingsNote, trainCommand } from "./demo-runs.js";
import { demoPreset, demoRunSettings } from "./presets.js";

const cartPoleRuns = Object.values(ADVERSARIAL_RUNS);
const pendulumRuns = Object.values(PENDULUM_RUNS);
const runs = [...cartPoleRuns, ...pendulumRuns];

describe("the demo's settings are the CLI's presets", () => {
  it.each(runs.map((run) => [`${run.algorithm} ${run.envId}`, run] as const))(
    "%s: the bundled preset is the CLI's, and the run resolves as the CLI command does",
    (_name, run) => {
      const { algorithm } = run;
      const cliPreset = presetFor(algorithm, run.envId);
      expect(cliPreset, `apps/cli/presets/${algorithm}.yml#${run.envId}`).toBeDefined();
      expect(demoPreset(algorithm, run.envId)).toEqual(cliPreset);

      const demo = demoRunSettings(run);
      const cliCommand = resolveConfig(algorithm, {
        preset: cliPreset,
        flags: { seed: run.seed, totalTimesteps: run.budget },
      });
      expect(demo.resolved).toEqual(cliCommand);

      // Against the preset alone, only the budget (and the seed, which the flag sets to its
      // default) differ.
      const presetOnly = resolveConfig(algorithm, { preset: cliPreset });
      expect(demo.presetBudget).toBe(presetOnly.values.totalTimesteps);
      expect(demo.resolved.values).toEqual({
        ...presetOnly.values,
        seed: run.seed,
        totalTimesteps: run.budget,
      });
      expect(presetOnly.values.seed).toBe(run.seed);
      const changed = Object.keys(demo.resolved.sources).filter(
        (key) => demo.resolved.sources[key] !== presetOnly.sources[key],
      );
      expect(changed.sort()).toEqual(["seed", "totalTimesteps"]);
      expect(demo.resolved.sources.totalTimesteps).toBe("flags");
      expect(stepsKey(algorithm)).toBe("totalTimesteps");
      // The preset's tuned values are applied (not the library defaults).
      expect(
        Object.values(demo.resolved.sources).filter((source) => source.startsWith("preset")).length,
      ).toBeGreaterThan(5);
    },
  );

  it("the budgets are shorter than the presets' and whole rounds (CartPole 8 envs x 256 steps, Pendulum 4 x 1024)", () => {
    for (const run of runs) {
      const { presetBudget, config } = demoRunSettings(run);
      const round = run.envId === "Pendulum-v1" ? 4096 : 2048;
      expect(run.budget).toBeLessThan(presetBudget);
      expect(config.numEnvs * config.ppo.nSteps).toBe(round);
      expect(run.budget % round).toBe(0);
    }
  });

  it("says where the settings come from and the equivalent command", () => {
    const run = ADVERSARIAL_RUNS.gail;
    const budget = run.budget.toLocaleString("en-US");
    expect(settingsNote(run, 300_000)).toBe(
      `preset seals/CartPole-v0 from apps/cli/presets/gail.yml, budget shortened to ${budget} env steps (the preset trains 300,000)`,
    );
    expect(trainCommand(run)).toBe(
      `irlkit train gail --env seals/CartPole-v0 --demos DEMOS --seed 0 --steps ${run.budget}`,
    );
  });

  it("rejects a run whose env has no preset, or a budget longer than the preset's", () => {
    expect(readPresets("gail").has("Acrobot-v1")).toBe(false);
    expect(() => demoPreset("gail", "Acrobot-v1")).toThrow(
      "apps/cli/presets/gail.yml has no preset for Acrobot-v1.",
    );
    expect(() => demoRunSettings({ ...ADVERSARIAL_RUNS.gail, budget: 10_000_000 })).toThrow(
      "exceeds its preset's (300000)",
    );
  });

  it.each(runs.map((run) => [`${run.algorithm} ${run.envId}`, run] as const))(
    "%s: the worker builds PPO, the discriminator and the trainer from those settings",
    async (_name, run) => {
      const { algorithm } = run;
      await initBackend();
      const { config } = demoRunSettings(run);
      const env = make(run.envId);
      const demonstrations = await generateDemonstrations(
        spec(run.envId).scriptedExpert!(env),
        env,
        {
          episodes: run.demonstrationEpisodes,
          seed: run.seed + 100,
        },
      );
      const built = buildAdversarialRun(run.envId, config, demonstrations);
      try {
        expect(built.env.numEnvs).toBe(config.numEnvs);
        expect(built.variant.name).toBe(algorithm);
        // PPO's resolved config holds every preset value of the ppo section, and the budget.
        expect(built.ppo.config).toMatchObject({ ...config.ppo, totalTimesteps: run.budget });
        expect(built.trainer.config).toMatchObject(config.trainer);
      } finally {
        built.dispose();
      }
    },
  );

  it("makes the run's env with its envKwargs setting, as the CLI does", () => {
    const { config } = demoRunSettings(ADVERSARIAL_RUNS.gail);
    const positionOnly = { ...config, envKwargs: { includeVelocity: false } } as AdversarialConfig;
    const plain = makeRunEnv("PointMazeLeft-v0", config);
    const withKwargs = makeRunEnv("PointMazeLeft-v0", positionOnly);
    expect(plain.observationSpace.shape).toEqual([4]);
    expect(withKwargs.observationSpace.shape).toEqual([2]);
    plain.close();
    withKwargs.close();
  });
});
