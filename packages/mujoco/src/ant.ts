import { type Info, type Rng, type StepResult, ValidationError } from "@irlkit/core";
import {
  booleanRule,
  checkKwargs,
  definitionRule,
  finiteNumberRule,
  type GymnasiumDefinition,
  nonNegativeNumberRule,
  positiveIntegerRule,
  rangeRule,
  readRange,
} from "./kwargs.js";
import { ANT_XML } from "./models/ant-xml.js";
import {
  MujocoEnv,
  type MujocoState,
  planarPositionInfo,
  sumOfSquares,
  survivalReward,
} from "./mujoco-env.js";
import type { MujocoModule } from "./mujoco-module.js";

/** Keyword arguments of {@link Ant} (Gymnasium's, in camelCase; `null` = unbounded side). */
export interface AntKwargs {
  /** MuJoCo steps (0.01 s each) per env step. @default 5 */
  frameSkip?: number;
  /** @default 1 */
  forwardRewardWeight?: number;
  /** @default 0.5 */
  ctrlCostWeight?: number;
  /** Weight of Σ clip(cfrc_ext)² in the contact cost. @default 5e-4 */
  contactCostWeight?: number;
  /** Reward per step while healthy. @default 1 */
  healthyReward?: number;
  /** The body whose x, y velocity is rewarded (index or name). @default 1 (the torso) */
  mainBody?: number | string;
  /** End the episode (terminated) when unhealthy. @default true */
  terminateWhenUnhealthy?: boolean;
  /** Closed range of the torso height qpos[2]. @default [0.2, 1] */
  healthyZRange?: [number | null, number | null];
  /** The range the external contact forces are clipped to. @default [-1, 1] */
  contactForceRange?: [number | null, number | null];
  /** Half-width of the uniform qpos noise and std of the normal qvel noise at reset. @default 0.1 */
  resetNoiseScale?: number;
  /** Leave the x, y position (qpos[0:2]) out of the observation. @default true */
  excludeCurrentPositionsFromObservation?: boolean;
  /** Append the clipped contact forces cfrc_ext[1:] to the observation. @default true */
  includeCfrcExtInObservation?: boolean;
  /**
   * `"v4"`: Ant-v4 with its default `use_contact_forces=False` (seals wraps it): no contact forces
   * in the observation or the cost (27-D observation, 29 with positions), v4's info terms
   * (positions from the torso's xpos, `forward_reward`, no `reward_contact`, no reset info), and
   * the survival reward paid on the terminating step too when `terminateWhenUnhealthy` is true.
   * @default "v5"
   */
  definition?: GymnasiumDefinition;
}

const ANT_KWARGS = {
  definition: definitionRule,
  frameSkip: positiveIntegerRule,
  forwardRewardWeight: finiteNumberRule,
  ctrlCostWeight: finiteNumberRule,
  contactCostWeight: finiteNumberRule,
  healthyReward: finiteNumberRule,
  mainBody: {
    expected: "a body index (a non-negative integer) or a body name",
    accepts: (value: unknown) =>
      typeof value === "string" ||
      (typeof value === "number" && Number.isSafeInteger(value) && value >= 0),
  },
  terminateWhenUnhealthy: booleanRule,
  healthyZRange: rangeRule,
  contactForceRange: rangeRule,
  resetNoiseScale: nonNegativeNumberRule,
  excludeCurrentPositionsFromObservation: booleanRule,
  includeCfrcExtInObservation: booleanRule,
};

/**
 * Ant-v5 (Gymnasium `ant_v5.py`): a four-legged robot on a free joint (15 qpos, 14 qvel, 8 motors
 * in [−1, 1], gear 150) rewarded for walking along x. Timestep 0.01 s (RK4), frame skip 5
 * (dt = 0.05 s).
 *
 * - Observation (105): qpos[2:] (13: torso z, quaternion, 8 joint angles), qvel (14), then the
 *   contact forces clip(cfrc_ext[1:], −1, 1) (13 bodies × 6 = 78, read after
 *   `mj_rnePostConstraint`).
 * - Reward: `1 · x_velocity + 1 · healthy − 0.5 · Σ a² − 5e-4 · Σ clip(cfrc_ext, −1, 1)²`, where
 *   x_velocity comes from the torso's `xpos` (`data.body(mainBody).xpos`) before and after.
 * - Healthy: the state [qpos, qvel] is finite and 0.2 ≤ qpos[2] ≤ 1 (closed range). Unhealthy
 *   terminates. 1000-step limit from the registry.
 * - Reset: qpos + U(−0.1, 0.1) (the quaternion too, as Gymnasium does), qvel + 0.1 · N(0, 1).
 * - info: `x_position`, `y_position` (qpos[0], qpos[1]), `distance_from_origin`, `x_velocity`,
 *   `y_velocity`, `reward_forward`, `reward_ctrl`, `reward_contact`, `reward_survive` (reset: the
 *   first three).
 */
export class Ant extends MujocoEnv {
  readonly forwardRewardWeight: number;
  readonly ctrlCostWeight: number;
  readonly contactCostWeight: number;
  readonly healthyReward: number;
  readonly terminateWhenUnhealthy: boolean;
  readonly healthyZRange: readonly [number, number];
  readonly contactForceRange: readonly [number, number];
  readonly resetNoiseScale: number;
  readonly excludeCurrentPositionsFromObservation: boolean;
  readonly includeCfrcExtInObservation: boolean;
  /** The index of the body whose velocity is rewarded. */
  readonly mainBody: number;
  readonly definition: GymnasiumDefinition;
  readonly #nbody: number;

  constructor(kwargs: AntKwargs = {}, mujoco?: MujocoModule) {
    checkKwargs("Ant", kwargs, ANT_KWARGS);
    const exclude = kwargs.excludeCurrentPositionsFromObservation ?? true;
    const definition = kwargs.definition ?? "v5";
    if (definition === "v4" && kwargs.includeCfrcExtInObservation === true) {
      throw new ValidationError(
        "Ant kwargs.includeCfrcExtInObservation",
        'false or absent with definition "v4" (Ant-v4 with use_contact_forces=True is not offered)',
        "true",
      );
    }
    const includeForces =
      definition === "v4" ? false : (kwargs.includeCfrcExtInObservation ?? true);
    super({
      name: "Ant",
      xml: ANT_XML,
      frameSkip: kwargs.frameSkip ?? 5,
      observationSize: ({ nq, nv, nbody }) =>
        nq + nv - (exclude ? 2 : 0) + (includeForces ? 6 * (nbody - 1) : 0),
      ...(mujoco === undefined ? {} : { mujoco }),
    });
    this.forwardRewardWeight = kwargs.forwardRewardWeight ?? 1;
    this.ctrlCostWeight = kwargs.ctrlCostWeight ?? 0.5;
    this.contactCostWeight = kwargs.contactCostWeight ?? 5e-4;
    this.healthyReward = kwargs.healthyReward ?? 1;
    this.terminateWhenUnhealthy = kwargs.terminateWhenUnhealthy ?? true;
    this.healthyZRange = readRange(kwargs.healthyZRange, [0.2, 1]);
    this.contactForceRange = readRange(kwargs.contactForceRange, [-1, 1]);
    this.resetNoiseScale = kwargs.resetNoiseScale ?? 0.1;
    this.excludeCurrentPositionsFromObservation = exclude;
    this.includeCfrcExtInObservation = includeForces;
    this.definition = definition;
    this.#nbody = this.model.nbody;
    const mainBody = kwargs.mainBody ?? 1;
    this.mainBody = typeof mainBody === "number" ? mainBody : this.#bodyIndex(mainBody);
    if (this.mainBody >= this.#nbody) {
      this.close();
      throw new RangeError(
        `Ant kwargs.mainBody: expected a body index below ${this.#nbody}, found ${this.mainBody}.`,
      );
    }
  }

  /** Gymnasium's `is_healthy`: a finite state and 0.2 ≤ z ≤ 1. */
  get isHealthy(): boolean {
    const qpos = this.qpos;
    const qvel = this.qvel;
    for (let i = 0; i < this.nq; i++) if (!Number.isFinite(qpos[i]!)) return false;
    for (let i = 0; i < this.nv; i++) if (!Number.isFinite(qvel[i]!)) return false;
    const [minZ, maxZ] = this.healthyZRange;
    return minZ <= qpos[2]! && qpos[2]! <= maxZ;
  }

  /** `contactCostWeight · Σ clip(cfrc_ext, range)²` over every body (the world's row is zero). */
  get contactCost(): number {
    const forces = this.data.cfrc_ext as Float64Array;
    const [low, high] = this.contactForceRange;
    let sum = 0;
    for (let i = 0; i < forces.length; i++) {
      const clipped = Math.min(Math.max(forces[i]!, low), high);
      sum += clipped * clipped;
    }
    return this.contactCostWeight * sum;
  }

  protected drawInitialState(rng: Rng): MujocoState {
    return this.noisyInitialState(rng, this.resetNoiseScale, "normal");
  }

  protected observe(): Float32Array {
    const skip = this.excludeCurrentPositionsFromObservation ? 2 : 0;
    const positions = this.nq - skip;
    const forces = this.includeCfrcExtInObservation ? 6 * (this.#nbody - 1) : 0;
    const observation = this.positionsAndVelocities(skip, forces);
    if (forces > 0) {
      const cfrcExt = this.data.cfrc_ext as Float64Array;
      const [low, high] = this.contactForceRange;
      for (let i = 0; i < forces; i++) {
        observation[positions + this.nv + i] = Math.min(Math.max(cfrcExt[6 + i]!, low), high);
      }
    }
    return observation;
  }

  protected transition(action: Float32Array): StepResult<Float32Array> {
    const {
      x: xAfter,
      y: yAfter,
      xVelocity,
      yVelocity,
    } = this.simulateTracking(action, () => this.#mainBodyXy());
    const healthy = this.isHealthy;
    const forwardReward = xVelocity * this.forwardRewardWeight;
    const v4 = this.definition === "v4";
    const healthyReward = survivalReward(
      healthy,
      this.healthyReward,
      this.definition,
      this.terminateWhenUnhealthy,
    );
    const ctrlCost = this.ctrlCostWeight * sumOfSquares(action);
    const terminated = !healthy && this.terminateWhenUnhealthy;
    if (v4) {
      return {
        observation: this.observe(),
        reward: forwardReward + healthyReward - ctrlCost,
        terminated,
        truncated: false,
        info: {
          reward_forward: forwardReward,
          reward_ctrl: -ctrlCost,
          reward_survive: healthyReward,
          ...planarPositionInfo(xAfter, yAfter),
          x_velocity: xVelocity,
          y_velocity: yVelocity,
          forward_reward: forwardReward,
        },
      };
    }
    const contactCost = this.contactCost;
    const qpos = this.qpos;
    return {
      observation: this.observe(),
      reward: forwardReward + healthyReward - (ctrlCost + contactCost),
      terminated,
      truncated: false,
      info: {
        ...planarPositionInfo(qpos[0]!, qpos[1]!),
        x_velocity: xVelocity,
        y_velocity: yVelocity,
        reward_forward: forwardReward,
        reward_ctrl: -ctrlCost,
        reward_contact: -contactCost,
        reward_survive: healthyReward,
      },
    };
  }

  protected override resetInfo(): Info {
    return this.definition === "v4" ? {} : planarPositionInfo(this.qpos[0]!, this.qpos[1]!);
  }

  /** The index of the body named `name` (named access; the accessor is a handle to delete). */
  #bodyIndex(name: string): number {
    let accessor: { id: number; delete(): void } | undefined;
    try {
      accessor = this.model.body(name);
      return accessor.id;
    } catch {
      this.close();
      throw new RangeError(`Ant kwargs.mainBody: the model has no body named "${name}".`);
    } finally {
      accessor?.delete();
    }
  }

  /** `data.xpos` of the main body, x and y (Gymnasium's `data.body(main_body).xpos[:2]`). */
  #mainBodyXy(): [number, number] {
    const xpos = this.data.xpos as Float64Array;
    return [xpos[3 * this.mainBody]!, xpos[3 * this.mainBody + 1]!];
  }
}
