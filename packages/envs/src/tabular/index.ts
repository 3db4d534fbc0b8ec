import type { EnvRegistration } from "../registration.js";
import { CliffWorld, type CliffWorldKwargs } from "./cliff-world.js";
import { GridWorld, type GridWorldKwargs } from "./grid-world.js";
import { ObjectWorld, type ObjectWorldKwargs } from "./object-world.js";

export { CliffWorld, type CliffWorldKwargs } from "./cliff-world.js";
export { GRID_ACTION_NAMES, GRID_MOVES } from "./grid.js";
export { type GridGoal, GridWorld, type GridWorldKwargs } from "./grid-world.js";
export { ObjectWorld, type ObjectWorldKwargs, type WorldObject } from "./object-world.js";
export { TabularEnv } from "./tabular-env.js";
export {
  type DenseTabularMdpInit,
  PROBABILITY_TOLERANCE,
  type SparseTabularMdpInit,
  TabularMdp,
  type TabularMdpExtras,
  type TabularMdpInit,
  type TabularRewardKind,
} from "./tabular-mdp.js";
export { TabularMdpBuilder } from "./tabular-mdp-builder.js";

/** seals' three CliffWorld sizes: width, height, horizon (`seals/__init__.py`). */
const SEALS_CLIFF_WORLDS = [
  [7, 4, 9],
  [15, 6, 18],
  [100, 20, 110],
] as const;

/**
 * Registry entries of the tabular worlds. Each uses a seals-style fixed horizon equal to the
 * world's `horizon`, so the MDP handed to planners and the episodes agree.
 */
export const tabularRegistrations: EnvRegistration[] = [
  {
    id: "GridWorld-v0",
    entryPoint: (kwargs) => new GridWorld(kwargs as GridWorldKwargs),
    kwargs: { size: 5, slip: 0.3, horizon: 20 },
    fixedHorizon: 20,
    description:
      "5×5 gridworld with slip 0.3 (Ziebart/Levine/Wulfmeier), goal +1 in the far corner; exposes its MDP.",
  },
  {
    id: "ObjectWorld-v0",
    entryPoint: (kwargs) => new ObjectWorld(kwargs as ObjectWorldKwargs),
    kwargs: { size: 10, colourCount: 2, objectCount: 15, slip: 0.3, horizon: 20, layoutSeed: 0 },
    fixedHorizon: 20,
    description:
      "Levine et al. 2011 objectworld, 10×10, 15 objects, 2 colours, nonlinear reward; exposes its MDP.",
  },
  {
    id: "ObjectWorld32x32-v0",
    entryPoint: (kwargs) => new ObjectWorld(kwargs as ObjectWorldKwargs),
    kwargs: {
      size: 32,
      colourCount: 2,
      objectCount: 64,
      slip: 0.3,
      horizon: 32,
      layoutSeed: 0,
      features: "continuous",
    },
    fixedHorizon: 32,
    description:
      "The 32×32 objectworld of the linear vs deep MaxEnt comparison (Wulfmeier et al. 2015): 64 objects, 2 colours, slip 0.3, horizon 32, continuous features; layoutSeed and features are kwargs.",
  },
  ...SEALS_CLIFF_WORLDS.map(
    ([width, height, horizon]): EnvRegistration => ({
      id: `seals/CliffWorld${width}x${height}-v0`,
      entryPoint: (kwargs) => new CliffWorld(kwargs as CliffWorldKwargs),
      kwargs: { width, height, horizon },
      fixedHorizon: horizon,
      description: `seals' ${width}×${height} cliff world with wind towards the cliff, horizon ${horizon}; exposes its MDP.`,
    }),
  ),
];
