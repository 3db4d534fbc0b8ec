import { defaultRegistry, type EnvRegistration, type Registry } from "@irlkit/envs";
import { Ant, type AntKwargs } from "./ant.js";
import { CustomAnt, type CustomAntKwargs } from "./custom-ant.js";
import { shippedExpert } from "./experts/index.js";
import { HalfCheetah, type HalfCheetahKwargs } from "./half-cheetah.js";
import { Hopper, type HopperKwargs } from "./hopper.js";
import { InvertedPendulum, type InvertedPendulumKwargs } from "./inverted-pendulum.js";
import { loadMujoco } from "./mujoco-module.js";
import { Swimmer, type SwimmerKwargs } from "./swimmer.js";
import { Walker2d, type Walker2dKwargs } from "./walker2d.js";

/**
 * The MuJoCo envs with Gymnasium's ids, episode limits and reward thresholds
 * (`gymnasium/envs/__init__.py`). Their entry points build the env in the module
 * {@link loadMujoco} loaded, so register them with {@link registerMujocoEnvs}, which loads it first.
 */
export const mujocoRegistrations: readonly EnvRegistration[] = Object.freeze([
  {
    id: "HalfCheetah-v5",
    entryPoint: (kwargs) => new HalfCheetah(kwargs as HalfCheetahKwargs),
    maxEpisodeSteps: 1000,
    rewardThreshold: 4800,
    description: "MuJoCo planar cheetah, Gymnasium v5: run forward (17-D observation, 6 motors).",
    scriptedExpert: () => shippedExpert("HalfCheetah-v5")!,
  },
  {
    id: "Hopper-v5",
    entryPoint: (kwargs) => new Hopper(kwargs as HopperKwargs),
    maxEpisodeSteps: 1000,
    rewardThreshold: 3800,
    description:
      "MuJoCo one-legged hopper, Gymnasium v5: hop forward without falling (11-D observation, 3 motors).",
    scriptedExpert: () => shippedExpert("Hopper-v5")!,
  },
  {
    id: "InvertedPendulum-v5",
    entryPoint: (kwargs) => new InvertedPendulum(kwargs as InvertedPendulumKwargs),
    maxEpisodeSteps: 1000,
    rewardThreshold: 950,
    description: "MuJoCo cart-pole, Gymnasium v5: keep the pole within 0.2 rad of upright.",
    scriptedExpert: () => shippedExpert("InvertedPendulum-v5")!,
  },
  {
    id: "Walker2d-v5",
    entryPoint: (kwargs) => new Walker2d(kwargs as Walker2dKwargs),
    maxEpisodeSteps: 1000,
    description:
      "MuJoCo planar biped, Gymnasium v5: walk forward without falling (17-D observation, 6 motors).",
    scriptedExpert: () => shippedExpert("Walker2d-v5")!,
  },
  {
    id: "Swimmer-v5",
    entryPoint: (kwargs) => new Swimmer(kwargs as SwimmerKwargs),
    maxEpisodeSteps: 1000,
    rewardThreshold: 360,
    description:
      "MuJoCo three-link swimmer, Gymnasium v5: swim along x (8-D observation, 2 motors).",
    scriptedExpert: () => shippedExpert("Swimmer-v5")!,
  },
  {
    id: "Ant-v5",
    entryPoint: (kwargs) => new Ant(kwargs as AntKwargs),
    maxEpisodeSteps: 1000,
    rewardThreshold: 6000,
    description:
      "MuJoCo quadruped, Gymnasium v5: walk along x (105-D observation with contact forces, 8 motors).",
    scriptedExpert: () => shippedExpert("Ant-v5")!,
  },
]);

/** seals' horizon for its MuJoCo envs: Gymnasium's v4 limit, every episode exactly this long. */
const SEALS_HORIZON = 1000;

/**
 * seals' MuJoCo variants (HumanCompatibleAI/seals `src/seals/mujoco.py`), the imitation library's
 * benchmark envs: Gymnasium's **v4** definitions with the positions kept in the observation
 * (`excludeCurrentPositionsFromObservation: false`) and, where the env can fall, no early
 * termination (`terminateWhenUnhealthy: false`), run for a fixed horizon of 1000 steps (irlkit's
 * `FixedHorizon`, as for seals/CartPole-v0). seals/Humanoid-v1 is not offered.
 */
export const sealsMujocoRegistrations: readonly EnvRegistration[] = Object.freeze([
  {
    id: "seals/HalfCheetah-v1",
    entryPoint: (kwargs) => new HalfCheetah(kwargs as HalfCheetahKwargs),
    kwargs: { definition: "v4", excludeCurrentPositionsFromObservation: false },
    fixedHorizon: SEALS_HORIZON,
    description: "seals' HalfCheetah: HalfCheetah-v4 with x in the observation (18-D), 1000 steps.",
    // A shipped PPO expert (experts/), within issue 21's target: see its record.
    scriptedExpert: () => shippedExpert("seals/HalfCheetah-v1")!,
  },
  {
    id: "seals/Hopper-v1",
    entryPoint: (kwargs) => new Hopper(kwargs as HopperKwargs),
    kwargs: {
      definition: "v4",
      excludeCurrentPositionsFromObservation: false,
      terminateWhenUnhealthy: false,
    },
    fixedHorizon: SEALS_HORIZON,
    description:
      "seals' Hopper: Hopper-v4 with x in the observation (12-D), no early termination, 1000 steps.",
    // A shipped PPO expert (experts/), within issue 21's target: see its record.
    scriptedExpert: () => shippedExpert("seals/Hopper-v1")!,
  },
  {
    id: "seals/Walker2d-v1",
    entryPoint: (kwargs) => new Walker2d(kwargs as Walker2dKwargs),
    kwargs: {
      definition: "v4",
      excludeCurrentPositionsFromObservation: false,
      terminateWhenUnhealthy: false,
    },
    fixedHorizon: SEALS_HORIZON,
    description:
      "seals' Walker2d: Walker2d-v4 (older model) with x in the observation (18-D), no early termination, 1000 steps.",
    // A shipped PPO expert (experts/), BELOW issue 21's target (85% of the zoo's row): see its record.
    scriptedExpert: () => shippedExpert("seals/Walker2d-v1")!,
  },
  {
    id: "seals/Swimmer-v1",
    entryPoint: (kwargs) => new Swimmer(kwargs as SwimmerKwargs),
    kwargs: { definition: "v4", excludeCurrentPositionsFromObservation: false },
    fixedHorizon: SEALS_HORIZON,
    description: "seals' Swimmer: Swimmer-v4 with x, y in the observation (10-D), 1000 steps.",
    // A shipped PPO expert (experts/), within issue 21's target: see its record.
    scriptedExpert: () => shippedExpert("seals/Swimmer-v1")!,
  },
  {
    id: "seals/Ant-v1",
    entryPoint: (kwargs) => new Ant(kwargs as AntKwargs),
    kwargs: {
      definition: "v4",
      excludeCurrentPositionsFromObservation: false,
      terminateWhenUnhealthy: false,
    },
    fixedHorizon: SEALS_HORIZON,
    description:
      "seals' Ant: Ant-v4 (no contact forces) with x, y in the observation (29-D), no early termination, 1000 steps.",
    // A shipped PPO expert (experts/), within issue 21's target: see its record.
    scriptedExpert: () => shippedExpert("seals/Ant-v1")!,
  },
]);

/**
 * The AIRL paper's ant pair for reward transfer (justinjfu/inverse_rl `envs/__init__.py`): learn on
 * `CustomAnt-v0`, transfer to `DisabledAnt-v0` (back legs at half length, their motors at gear 1).
 * Both gear 30, 1000-step limit.
 */
export const airlAntRegistrations: readonly EnvRegistration[] = Object.freeze([
  {
    id: "CustomAnt-v0",
    entryPoint: (kwargs) => new CustomAnt(kwargs as CustomAntKwargs),
    kwargs: { gear: 30, disabled: false },
    maxEpisodeSteps: 1000,
    description:
      "AIRL's ant (inverse_rl CustomAnt-v0): gear 30, friction 1.5, flip penalty; the transfer source.",
    // A shipped PPO expert (experts/): the transfer benchmark's demonstrator; see its record.
    scriptedExpert: () => shippedExpert("CustomAnt-v0")!,
  },
  {
    id: "DisabledAnt-v0",
    entryPoint: (kwargs) => new CustomAnt(kwargs as CustomAntKwargs),
    kwargs: { gear: 30, disabled: true },
    maxEpisodeSteps: 1000,
    description:
      "AIRL's disabled ant (inverse_rl DisabledAnt-v0): back legs halved with gear 1; the transfer target.",
  },
]);

/**
 * Loads the MuJoCo WebAssembly module (once; about 0.5 s) and registers every MuJoCo env (the v5 ones, seals' variants and AIRL's ant pair) into
 * `registry` (the default one behind `make` unless given), skipping ids it already holds, so
 * calling it twice is fine. Afterwards `make("HalfCheetah-v5")` works synchronously.
 *
 * ```ts
 * import { make } from "@irlkit/envs";
 * import { registerMujocoEnvs } from "@irlkit/mujoco";
 * await registerMujocoEnvs();
 * const env = make("HalfCheetah-v5");
 * ```
 */
export async function registerMujocoEnvs(registry: Registry = defaultRegistry): Promise<Registry> {
  await loadMujoco();
  for (const registration of [
    ...mujocoRegistrations,
    ...sealsMujocoRegistrations,
    ...airlAntRegistrations,
  ]) {
    if (!registry.has(registration.id)) registry.register(registration);
  }
  return registry;
}
