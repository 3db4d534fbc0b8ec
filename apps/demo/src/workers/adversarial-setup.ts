/**
 * What `irlkit train gail | airl | gan-gcl` builds from its resolved settings
 * (apps/cli/src/training/adversarial.ts), without the run directory: PPO on a same-step vector env
 * of `numEnvs` copies with the run's budget as PPO's `totalTimesteps` (what linear schedules anneal
 * over), the variant's discriminator from its section and the reward network, and the trainer from
 * the `trainer` section. No setting is chosen here; they all come from the preset (settings/presets.ts).
 */
import {
  AdversarialTrainer,
  type AdversarialVariant,
  Airl,
  Gail,
  GanGcl,
} from "@irlkit/adversarial";
import { type Env, Rng, type Trajectory } from "@irlkit/core";
import { make, VectorEnv } from "@irlkit/envs";
import { Ppo } from "@irlkit/rl";
import type { CliConfig } from "../../../cli/src/configs.js";

export type AdversarialConfig = CliConfig<"gail"> | CliConfig<"airl"> | CliConfig<"gan-gcl">;

export interface AdversarialRun {
  env: VectorEnv;
  ppo: Ppo;
  variant: AdversarialVariant;
  trainer: AdversarialTrainer;
  dispose(): void;
}

/** The run's env: its id with the run's `envKwargs` setting, when it has one (the CLI's makeEnv). */
export function makeRunEnv(envId: string, config: AdversarialConfig): Env<unknown, unknown> {
  const kwargs = (config as { envKwargs?: Readonly<Record<string, unknown>> }).envKwargs ?? {};
  return Object.keys(kwargs).length === 0 ? make(envId) : make(envId, { kwargs: { ...kwargs } });
}

export function buildAdversarialRun(
  envId: string,
  config: AdversarialConfig,
  demonstrations: readonly Trajectory[],
): AdversarialRun {
  const env = new VectorEnv(() => makeRunEnv(envId, config), {
    numEnvs: config.numEnvs,
    autoresetMode: "same-step",
  });
  const ppo = new Ppo({
    env,
    seed: config.seed,
    config: { ...config.ppo, totalTimesteps: config.totalTimesteps },
  });
  const spaces = {
    observationSpace: env.singleObservationSpace,
    actionSpace: env.singleActionSpace,
    rng: new Rng(config.seed).derive("disc/init"),
  };
  const network = config.reward;
  const variant: AdversarialVariant =
    "gail" in config
      ? new Gail({ ...spaces, ...config.gail, rewardNetwork: network })
      : "ganGcl" in config
        ? new GanGcl({ ...spaces, ...config.ganGcl, rewardNetwork: network })
        : new Airl({ ...spaces, ...config.airl, base: network, potential: network });
  const trainer = new AdversarialTrainer({
    variant,
    optimizer: ppo,
    demonstrations: [...demonstrations],
    seed: config.seed,
    config: config.trainer,
  });
  return {
    env,
    ppo,
    variant,
    trainer,
    dispose: () => {
      trainer.dispose();
      variant.dispose();
      ppo.dispose();
      env.close();
    },
  };
}
