/** Messages between the MuJoCo page (mujoco-page.tsx) and `mujoco-worker.ts`. */

export interface MujocoStartRequest {
  type: "start";
  /** Expert episodes to record as demonstrations (1000 steps each). */
  demonstrationEpisodes: number;
}

/** Who acts in a played episode: the shipped PPO expert, the cloned policy, uniform random actions. */
export type PlayedPolicy = "expert" | "bc" | "random";

/** One geom of the side view: its MuJoCo name and radius (m). Capsules are drawn as thick segments. */
export interface SideViewGeom {
  name: string;
  radius: number;
}

/** MuJoCo is loaded, the env made and the BC settings resolved from the CLI's preset. */
export interface MujocoReadyMessage {
  type: "ready";
  backend: string;
  /** Why tfjs runs another backend than the wasm one the site asks for, if it does. */
  backendFallback: string | undefined;
  /** `presets/bc.yml#seals/HalfCheetah-v1`. */
  preset: string;
  /** The preset's epochs and the run's. */
  presetBudget: number;
  budget: number;
  /** Every resolved setting with the layer that set it (default, preset, flags). */
  settings: { key: string; value: string; source: string }[];
  /** The geoms drawn in the side view (the floor plane is the ground line). */
  geoms: SideViewGeom[];
  /** Seconds per env step (the playback speed). */
  dt: number;
  /** The shipped expert's recorded return (`irlkit eval`, 10 episodes). */
  expertRecordReturn: number;
  /** Milliseconds from the request to this message, and the MuJoCo module's part of it. */
  elapsedMs: number;
  mujocoLoadMs: number;
}

/** After each recorded demonstration episode. */
export interface MujocoDemonstrationsMessage {
  type: "demonstrations";
  episodes: number;
  total: number;
  /** Transitions recorded so far and the mean return of the finished episodes (0 before any). */
  steps: number;
  returnMean: number;
  elapsedMs: number;
}

/** After each BC epoch. */
export interface MujocoEpochMessage {
  type: "epoch";
  epoch: number;
  epochs: number;
  /** The epoch's mean BC loss (−log π(a|s) − w_ent·H + w_l2·½‖θ‖²). */
  loss: number;
  /** Mean probability density of the expert's actions under the policy (bc/probTrueAction). */
  probTrueAction: number;
  /** BC's loss path: `"fused"` (plain TypeScript, decision 0014) or `"tfjs"`. */
  computePath: "fused" | "tfjs";
  elapsedMs: number;
}

/**
 * One played episode (reset with the evaluation seed), as the side view draws it: for every frame
 * (the reset and each step) every geom's segment `[x1, z1, x2, z2]` in metres, so `segments` is
 * `[frames × geoms × 4]`; the torso's x (the camera) and the return so far.
 */
export interface MujocoEpisodeMessage {
  type: "episode";
  policy: PlayedPolicy;
  /** The episode's undiscounted return (`irlkit eval --episodes 1 --seed SEED`). */
  return: number;
  steps: number;
  segments: Float32Array;
  torsoX: Float32Array;
  cumulativeReturn: Float32Array;
  elapsedMs: number;
}

export interface MujocoDoneMessage {
  type: "done";
  /** (BC − random) / (expert − random) on the evaluation episode. */
  normalisedScore: number;
  /** Milliseconds each phase took in the worker. */
  phaseMs: { load: number; demonstrations: number; training: number; play: number };
  elapsedMs: number;
}

export interface MujocoErrorMessage {
  type: "error";
  message: string;
}

export type MujocoWorkerMessage =
  | MujocoReadyMessage
  | MujocoDemonstrationsMessage
  | MujocoEpochMessage
  | MujocoEpisodeMessage
  | MujocoDoneMessage
  | MujocoErrorMessage;
