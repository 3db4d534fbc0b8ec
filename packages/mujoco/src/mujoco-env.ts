import {
  Box,
  type Env,
  type Info,
  type ResetArgs,
  type ResetResult,
  type Rng,
  type StepResult,
} from "@irlkit/core";
import { checkResetOptions, readStateOption, reseed } from "@irlkit/envs";
import type { MjData, MjModel } from "@mujoco/mujoco";
import { loadedMujoco, type MujocoModule } from "./mujoco-module.js";

/** What a {@link MujocoEnv} subclass hands its base class. */
export interface MujocoEnvOptions {
  /** The env's name in error messages, e.g. "HalfCheetah". */
  name: string;
  /** The MJCF model. */
  xml: string;
  /** MuJoCo steps per env step (Gymnasium's `frame_skip`). */
  frameSkip: number;
  /** The observation's length, or how to compute it from the compiled model's sizes. */
  observationSize: number | ((sizes: ModelSizes) => number);
  /** The module to build the model in. @default the module `loadMujoco()` loaded */
  mujoco?: MujocoModule;
}

/** Sizes of a compiled model. */
export interface ModelSizes {
  nq: number;
  nv: number;
  nu: number;
  nbody: number;
}

/** The initial state a reset draws: `qpos` (nq numbers) and `qvel` (nv numbers). */
export interface MujocoState {
  qpos: Float64Array;
  qvel: Float64Array;
}

/** Where a tracked point ended an env step and how fast it moved there. */
export interface PlanarMotion {
  x: number;
  y: number;
  xVelocity: number;
  yVelocity: number;
}

/** Gymnasium's position info for envs that move in the plane: `x_position`, `y_position`, `distance_from_origin`. */
export function planarPositionInfo(x: number, y: number): Info {
  return { x_position: x, y_position: y, distance_from_origin: Math.hypot(x, y) };
}

/**
 * The survival reward of a step: `healthyReward` while healthy; v5 pays nothing on the unhealthy
 * step, v4 still pays it on the terminating step (`terminateWhenUnhealthy`).
 */
export function survivalReward(
  healthy: boolean,
  healthyReward: number,
  definition: "v4" | "v5",
  terminateWhenUnhealthy: boolean,
): number {
  const paid = healthy || (definition === "v4" && terminateWhenUnhealthy);
  return paid ? healthyReward : 0;
}

/**
 * Gymnasium's `MujocoEnv` on the MuJoCo WebAssembly build: one `MjModel` and one `MjData` per env,
 * an action space from the actuators' `ctrlrange`, and the simulation loop every Gymnasium MuJoCo
 * env shares:
 *
 * - `reset`: `mj_resetData`, then `qpos`/`qvel` from the subclass's noise draw (or exactly
 *   `options.state = [qpos…, qvel…]`), then `mj_forward` (Gymnasium's `set_state`).
 * - `step`: `ctrl ← action`, `frameSkip` calls of `mj_step`, then `mj_rnePostConstraint` (which
 *   fills `cfrc_ext`, the contact forces Ant's observation and cost use).
 *
 * The wasm arrays (`data.qpos`, …) are views into the module's heap that another env's allocation
 * can detach, so they are read afresh on every access, never kept.
 *
 * Departures from Gymnasium: observations are `Float32Array` (irlkit's convention for Box spaces;
 * Gymnasium returns float64 — the float64 state is `getState()`), and an action outside the action
 * space throws a `ValidationError` instead of being clamped by MuJoCo.
 */
export abstract class MujocoEnv implements Env<Float32Array, Float32Array> {
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly spec = undefined;
  /** MuJoCo steps per env step. */
  readonly frameSkip: number;
  /** Seconds per env step: `model.opt.timestep · frameSkip`. */
  readonly dt: number;
  /** Position coordinates (`model.nq`), velocity coordinates (`model.nv`), actuators (`model.nu`). */
  readonly nq: number;
  readonly nv: number;
  readonly nu: number;
  /** `qpos` and `qvel` of the model's reference configuration (Gymnasium's `init_qpos`/`init_qvel`). */
  readonly initQpos: Float64Array;
  readonly initQvel: Float64Array;
  readonly mujoco: MujocoModule;
  readonly #name: string;
  #model: MjModel | undefined;
  #data: MjData | undefined;
  #rng: Rng | undefined = undefined;
  #hasReset = false;

  constructor(options: MujocoEnvOptions) {
    this.#name = options.name;
    this.mujoco = options.mujoco ?? loadedMujoco();
    const model = this.mujoco.MjModel.from_xml_string(options.xml);
    const data = new this.mujoco.MjData(model);
    this.#model = model;
    this.#data = data;
    this.frameSkip = options.frameSkip;
    this.dt = model.opt.timestep * options.frameSkip;
    this.nq = model.nq;
    this.nv = model.nv;
    this.nu = model.nu;
    // Views are read after every allocation above (the MjData arena may have grown the heap).
    this.initQpos = Float64Array.from(data.qpos as Float64Array);
    this.initQvel = Float64Array.from(data.qvel as Float64Array);
    const ctrlRange = model.actuator_ctrlrange as Float64Array;
    const low: number[] = [];
    const high: number[] = [];
    for (let i = 0; i < this.nu; i++) {
      low.push(ctrlRange[2 * i]!);
      high.push(ctrlRange[2 * i + 1]!);
    }
    this.actionSpace = new Box({ shape: [this.nu], low, high, dtype: "float32" });
    const observationSize =
      typeof options.observationSize === "number"
        ? options.observationSize
        : options.observationSize({ nq: this.nq, nv: this.nv, nu: this.nu, nbody: model.nbody });
    this.observationSpace = new Box({
      shape: [observationSize],
      low: -Infinity,
      high: Infinity,
      dtype: "float32",
    });
  }

  /** The compiled model (deleted by `close()`). */
  get model(): MjModel {
    if (this.#model === undefined) throw this.#closedError("model");
    return this.#model;
  }

  /** The simulation data (deleted by `close()`); read its arrays afresh after any allocation. */
  get data(): MjData {
    if (this.#data === undefined) throw this.#closedError("data");
    return this.#data;
  }

  reset(args: ResetArgs = {}): ResetResult<Float32Array> {
    this.#rng = reseed(this.#rng, args.seed);
    const names = this.stateNames();
    const given = readStateOption(
      checkResetOptions(args.options, ["state"]),
      names,
      "qpos…, qvel…",
    );
    this.mujoco.mj_resetData(this.model, this.data);
    if (given !== undefined) {
      this.setState(given.subarray(0, this.nq), given.subarray(this.nq));
    } else {
      const { qpos, qvel } = this.drawInitialState(this.#rng);
      this.setState(qpos, qvel);
    }
    this.#hasReset = true;
    return { observation: this.observe(), info: this.resetInfo() };
  }

  step(action: Float32Array): StepResult<Float32Array> {
    if (this.#model === undefined) throw this.#closedError("step");
    if (!this.#hasReset) {
      throw new Error(`${this.#name}.step() was called before reset(): call env.reset() first.`);
    }
    this.actionSpace.check(action, "action");
    return this.transition(action);
  }

  /**
   * Gymnasium's `set_state`: `qpos` then `qvel` into the data, then `mj_forward`. `reset` calls it
   * right after `mj_resetData`.
   */
  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): void {
    const data = this.data;
    (data.qpos as Float64Array).set(qpos);
    (data.qvel as Float64Array).set(qvel);
    this.mujoco.mj_forward(this.model, data);
  }

  /** A copy of the simulator state `[qpos…, qvel…]` (nq + nv numbers, float64). */
  getState(): Float64Array {
    if (!this.#hasReset) throw new Error(`${this.#name}.getState() was called before reset().`);
    const data = this.data;
    const state = new Float64Array(this.nq + this.nv);
    state.set(data.qpos as Float64Array, 0);
    state.set(data.qvel as Float64Array, this.nq);
    return state;
  }

  /** Releases the model and data; calling it again is fine. */
  close(): void {
    this.#data?.delete();
    this.#model?.delete();
    this.#data = undefined;
    this.#model = undefined;
  }

  /**
   * Gymnasium's `do_simulation`: the action into `ctrl`, `frameSkip` calls of `mj_step` (the wasm
   * build has no multi-step `mj_step`), then `mj_rnePostConstraint`.
   */
  protected simulate(action: ArrayLike<number>): void {
    const model = this.model;
    const data = this.data;
    (data.ctrl as Float64Array).set(action);
    for (let frame = 0; frame < this.frameSkip; frame++) this.mujoco.mj_step(model, data);
    this.mujoco.mj_rnePostConstraint(model, data);
  }

  /** Fresh views of `qpos` and `qvel` (valid until the next allocation in the module). */
  protected get qpos(): Float64Array {
    return this.data.qpos as Float64Array;
  }

  protected get qvel(): Float64Array {
    return this.data.qvel as Float64Array;
  }

  /**
   * The observation `[qpos[skippedPositions:]…, qvel…]` (float32), followed by `extraEntries` zeros
   * for the subclass to fill (Ant's contact forces).
   */
  protected positionsAndVelocities(skippedPositions: number, extraEntries = 0): Float32Array {
    const qpos = this.qpos;
    const positions = this.nq - skippedPositions;
    const observation = new Float32Array(positions + this.nv + extraEntries);
    for (let i = skippedPositions; i < this.nq; i++) observation[i - skippedPositions] = qpos[i]!;
    observation.set(this.qvel, positions);
    return observation;
  }

  /**
   * The usual `reset_model` draw: `qpos = initQpos + U(−scale, scale)`, then `qvel = initQvel` plus
   * `U(−scale, scale)` or `scale · N(0, 1)` per `velocityNoise` (qpos drawn first, as Gymnasium).
   */
  protected noisyInitialState(
    rng: Rng,
    scale: number,
    velocityNoise: "uniform" | "normal",
  ): MujocoState {
    const qpos = uniformNoise(rng, this.initQpos, scale);
    const qvel =
      velocityNoise === "uniform"
        ? uniformNoise(rng, this.initQvel, scale)
        : normalNoise(rng, this.initQvel, scale);
    return { qpos, qvel };
  }

  /**
   * `simulate(action)` while tracking a point in the plane: `position()` before and after, and the
   * velocity `(after − before) / dt` of each coordinate. The default point is the root joint's
   * `[qpos[0], qpos[1]]` (x and y for the swimmer; x and the height z for HalfCheetah, Hopper and
   * Walker2d, which use only x).
   */
  protected simulateTracking(
    action: ArrayLike<number>,
    position: () => readonly [number, number] = () => [this.qpos[0]!, this.qpos[1]!],
  ): PlanarMotion {
    const [xBefore, yBefore] = position();
    this.simulate(action);
    const [x, y] = position();
    return { x, y, xVelocity: (x - xBefore) / this.dt, yVelocity: (y - yBefore) / this.dt };
  }

  /** Names of the state's entries, `qpos[i]` then `qvel[i]`, for error messages. */
  protected stateNames(): string[] {
    const names: string[] = [];
    for (let i = 0; i < this.nq; i++) names.push(`qpos[${i}]`);
    for (let i = 0; i < this.nv; i++) names.push(`qvel[${i}]`);
    return names;
  }

  /** The env's `reset_model` noise: `initQpos`/`initQvel` plus noise drawn from `rng`. */
  protected abstract drawInitialState(rng: Rng): MujocoState;

  /** The observation of the current state (a fresh array). */
  protected abstract observe(): Float32Array;

  /** One env step from a checked action: `simulate(action)`, then rewards and termination. */
  protected abstract transition(action: Float32Array): StepResult<Float32Array>;

  /** The `info` of `reset`. @default {} */
  protected resetInfo(): Info {
    return {};
  }

  #closedError(what: string): Error {
    return new Error(`${this.#name}.${what}: the env was closed.`);
  }
}

/** `Σ action²` in float64. */
export function sumOfSquares(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  return sum;
}

/** `base[i] + uniform(−scale, scale)` for each entry, one draw per entry in order. */
export function uniformNoise(rng: Rng, base: Float64Array, scale: number): Float64Array {
  const out = new Float64Array(base.length);
  for (let i = 0; i < base.length; i++) out[i] = base[i]! + rng.uniform(-scale, scale);
  return out;
}

/** `base[i] + scale · N(0, 1)` for each entry, one draw per entry in order. */
export function normalNoise(rng: Rng, base: Float64Array, scale: number): Float64Array {
  const out = new Float64Array(base.length);
  for (let i = 0; i < base.length; i++) out[i] = base[i]! + scale * rng.normal();
  return out;
}
