import type { EnvRegistration } from "../registration.js";
import { Acrobot, type AcrobotKwargs } from "./acrobot.js";
import { CartPole, type CartPoleKwargs, FixedHorizonCartPole } from "./cart-pole.js";
import {
  ContinuousMountainCar,
  type ContinuousMountainCarKwargs,
} from "./continuous-mountain-car.js";
import {
  AcrobotExpert,
  CartPoleExpert,
  ContinuousMountainCarExpert,
  MountainCarExpert,
  PendulumExpert,
} from "./experts.js";
import { FixedHorizonMountainCar, MountainCar, type MountainCarKwargs } from "./mountain-car.js";
import { Pendulum, type PendulumKwargs } from "./pendulum.js";

export { Acrobot, type AcrobotDynamics, type AcrobotKwargs } from "./acrobot.js";
export {
  CartPole,
  type CartPoleIntegrator,
  type CartPoleKwargs,
  FixedHorizonCartPole,
} from "./cart-pole.js";
export {
  ContinuousMountainCar,
  type ContinuousMountainCarKwargs,
} from "./continuous-mountain-car.js";
export {
  AcrobotExpert,
  CartPoleExpert,
  type CartPoleExpertGains,
  ContinuousMountainCarExpert,
  type ExpertSpaces,
  MountainCarExpert,
  PendulumExpert,
  type PendulumExpertOptions,
} from "./experts.js";
export { FixedHorizonMountainCar, MountainCar, type MountainCarKwargs } from "./mountain-car.js";
export { Pendulum, type PendulumKwargs } from "./pendulum.js";

/**
 * Registry entries of the classic-control envs: Gymnasium's five (ids, episode limits and reward
 * thresholds as Gymnasium registers them) and seals' two fixed-horizon variants for IRL
 * evaluation, each with its scripted expert.
 */
export const classicControlRegistrations: EnvRegistration[] = [
  {
    id: "CartPole-v1",
    maxEpisodeSteps: 500,
    rewardThreshold: 475.0,
    entryPoint: (kwargs) => new CartPole(kwargs as CartPoleKwargs),
    scriptedExpert: (env) =>
      new CartPoleExpert({ observationSpace: env.observationSpace, actionSpace: env.actionSpace }),
    description: "Balance a pole on a cart by pushing it left or right (Gymnasium CartPole-v1).",
  },
  {
    id: "MountainCar-v0",
    maxEpisodeSteps: 200,
    rewardThreshold: -110.0,
    entryPoint: (kwargs) => new MountainCar(kwargs as MountainCarKwargs),
    scriptedExpert: (env) =>
      new MountainCarExpert({
        observationSpace: env.observationSpace,
        actionSpace: env.actionSpace,
      }),
    description:
      "Drive an underpowered car out of a valley with 3 discrete pushes (Gymnasium MountainCar-v0).",
  },
  {
    id: "MountainCarContinuous-v0",
    maxEpisodeSteps: 999,
    rewardThreshold: 90.0,
    entryPoint: (kwargs) => new ContinuousMountainCar(kwargs as ContinuousMountainCarKwargs),
    scriptedExpert: (env) =>
      new ContinuousMountainCarExpert({
        observationSpace: env.observationSpace,
        actionSpace: env.actionSpace,
      }),
    description:
      "Drive an underpowered car out of a valley with a continuous force (Gymnasium MountainCarContinuous-v0).",
  },
  {
    id: "Pendulum-v1",
    maxEpisodeSteps: 200,
    entryPoint: (kwargs) => new Pendulum(kwargs as PendulumKwargs),
    scriptedExpert: (env) => {
      const g = env.spec?.kwargs?.g;
      return new PendulumExpert(
        { observationSpace: env.observationSpace, actionSpace: env.actionSpace },
        typeof g === "number" ? { g } : {},
      );
    },
    description:
      "Swing a pendulum up and hold it upright with a bounded torque (Gymnasium Pendulum-v1).",
  },
  {
    id: "Acrobot-v1",
    maxEpisodeSteps: 500,
    rewardThreshold: -100.0,
    entryPoint: (kwargs) => new Acrobot(kwargs as AcrobotKwargs),
    scriptedExpert: (env) =>
      new AcrobotExpert({ observationSpace: env.observationSpace, actionSpace: env.actionSpace }),
    description:
      "Swing the tip of a two-link chain above a bar by torquing its elbow (Gymnasium Acrobot-v1).",
  },
  {
    id: "seals/CartPole-v0",
    maxEpisodeSteps: 500,
    fixedHorizon: 500,
    entryPoint: (kwargs) => new FixedHorizonCartPole(kwargs as CartPoleKwargs),
    scriptedExpert: (env) =>
      new CartPoleExpert({ observationSpace: env.observationSpace, actionSpace: env.actionSpace }),
    description:
      "CartPole that never terminates: reward 1 while upright and on the track, 0 otherwise, 500 steps (seals).",
  },
  {
    id: "seals/MountainCar-v0",
    maxEpisodeSteps: 200,
    fixedHorizon: 200,
    entryPoint: (kwargs) => new FixedHorizonMountainCar(kwargs as MountainCarKwargs),
    scriptedExpert: (env) =>
      new MountainCarExpert({
        observationSpace: env.observationSpace,
        actionSpace: env.actionSpace,
      }),
    description:
      "MountainCar that never terminates: after the goal it absorbs with reward 0 until step 200 (seals).",
  },
];
