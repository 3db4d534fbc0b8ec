import {
  type ActionBatch,
  describeValue,
  type Env,
  type Info,
  type Space,
  ValidationError,
} from "@irlkit/core";
import { type BatchedStepper, type BatchedStepperFactory, EMPTY_INFO } from "./batched-stepper.js";
import { CartPoleBatch } from "./classic-control/cart-pole-batch.js";
import { MountainCarBatch } from "./classic-control/mountain-car-batch.js";
import { isEnvLike, unwrap } from "./wrappers/wrapper.js";

/**
 * What a vector env does when one of its sub-envs ends an episode (Gymnasium 1.x `AutoresetMode`;
 * https://farama.org/Vector-Autoreset-Mode). An algorithm written for one mode samples wrongly
 * from another, so the mode is always chosen explicitly.
 *
 * - `"next-step"` (Gymnasium's default): the step that ends episode i returns its final
 *   observation; the *next* call to `step` resets env i instead of stepping it (its action is
 *   ignored) and returns the reset observation with reward 0, `terminated = truncated = 0` and
 *   `autoreset[i] = 1`. That row is not a real transition: samplers must drop it.
 * - `"same-step"`: the step that ends episode i resets env i at once and returns the *reset*
 *   observation in `observations`, with that step's reward and flags; the true final observation
 *   is in `finalObservations` (and `finished[i] = 1`, `autoreset[i] = 1`).
 * - `"disabled"`: nothing is reset automatically; stepping an env whose episode has ended throws
 *   until it is reset with `reset({ mask })`.
 */
export type AutoresetMode = "next-step" | "same-step" | "disabled";

const AUTORESET_MODES: readonly AutoresetMode[] = ["next-step", "same-step", "disabled"];

/**
 * How a `VectorEnv` steps its copies. `"auto"`: in one batched loop over flat arrays when the
 * package has a batched stepper for the envs the factory built (fresh `make("CartPole-v1")` or
 * `make("MountainCar-v0")` envs, any kwargs and time limit), otherwise by calling each env object. `"per-env"`: always call each
 * env object (the generic path; the numbers are the same, only slower).
 */
export type VectorStepping = "auto" | "per-env";

const STEPPINGS: readonly VectorStepping[] = ["auto", "per-env"];

/** The batched steppers `"auto"` tries, in order (see `batched-stepper.ts`). */
const BATCHED_STEPPERS: readonly BatchedStepperFactory[] = [
  CartPoleBatch.adopt,
  MountainCarBatch.adopt,
];

export interface VectorEnvOptions {
  /** How many copies of the env to step (each built by `factory(index)`). */
  numEnvs: number;
  /** See `AutoresetMode`; there is no default on purpose. */
  autoresetMode: AutoresetMode;
  /** See `VectorStepping`. @default "auto" */
  stepping?: VectorStepping;
}

export interface VectorResetArgs {
  /**
   * A number seeds env i with `seed + i` (as Gymnasium); an array gives one seed (or `undefined`)
   * per env. @default no reseeding (each env continues its own generator)
   */
  seed?: number | readonly (number | undefined)[];
  /** Passed to every reset env's `reset({ options })`. @default undefined */
  options?: Record<string, unknown>;
  /**
   * Reset only the envs where `mask[i]` is truthy (Gymnasium's `reset_mask`); the others keep their
   * state and their row of `observations`. @default every env
   */
  mask?: ArrayLike<number | boolean>;
}

/**
 * The arrays of one `reset`. They belong to the `VectorEnv` and are overwritten by the next
 * `reset` or `step`: copy them (`.slice()`) to keep them.
 */
export interface VectorResetResult {
  /** `Float32Array [numEnvs * observationSize]`, row i from env i. */
  observations: Float32Array;
  /** One info object per env (the reset info; unchanged for envs a masked reset skipped). */
  infos: Info[];
}

/**
 * The arrays of one `step`, all indexed by env. The object and its arrays belong to the
 * `VectorEnv` and are overwritten by the next `step` or `reset` (no allocation per step): copy
 * what you need to keep before stepping again.
 */
export interface VectorStepResult {
  /** `Float32Array [numEnvs * observationSize]`: in `"same-step"` mode the reset observation of a finished env. */
  observations: Float32Array;
  /** `Float64Array [numEnvs]`. */
  rewards: Float64Array;
  /** `Uint8Array [numEnvs]`: 1 where the MDP reached a terminal state. */
  terminated: Uint8Array;
  /** `Uint8Array [numEnvs]`: 1 where the episode was cut from outside (a time limit). */
  truncated: Uint8Array;
  /**
   * `Uint8Array [numEnvs]`: 1 where an episode ended on this step (`terminated || truncated`), in
   * every mode. Where it is 1, `finalObservations`, `finalInfos`, `episodeReturns` and
   * `episodeLengths` hold that episode's end; elsewhere they hold stale values.
   */
  finished: Uint8Array;
  /** `Float32Array [numEnvs * observationSize]`: the true final observation of each finished episode. */
  finalObservations: Float32Array;
  /** The info of the step that finished episode i (`undefined` where `finished[i] = 0`). */
  finalInfos: (Info | undefined)[];
  /** `Float64Array [numEnvs]`: the undiscounted return of each finished episode. */
  episodeReturns: Float64Array;
  /** `Int32Array [numEnvs]`: the length in steps of each finished episode. */
  episodeLengths: Int32Array;
  /**
   * `Uint8Array [numEnvs]`: 1 where env i was reset during this step — in `"next-step"` mode
   * instead of being stepped (the row is no transition), in `"same-step"` mode after finishing.
   */
  autoreset: Uint8Array;
  /** The info each env returned (the reset info where env i was reset during this step). */
  infos: Info[];
}

/**
 * Steps `numEnvs` copies of an environment in lockstep, in this thread, with batched flat arrays:
 * observations `Float32Array [N * observationSize]` (a `Discrete` observation is one float),
 * actions `Int32Array [N]` for `Discrete`, `Int32Array [N * k]` for `MultiDiscrete` and
 * `Float32Array [N * actionSize]` for `Box` action spaces.
 *
 * Buffer ownership: the result objects and every array in them are allocated once and overwritten
 * by each `reset` and `step`; they stay valid until the next call. The action rows handed to
 * sub-envs are per-env buffers reused every step: sub-envs must not keep them.
 *
 * Episode bookkeeping (return and length of every finished episode, the final observation) is
 * done here so samplers can log `rollout/returnMean` without wrapping the sub-envs.
 *
 * Batched stepping (`stepping`, decision 0018): for fresh `make("CartPole-v1")` and
 * `make("MountainCar-v0")` envs the copies are stepped in one loop over flat arrays with the same observations, rewards, flags, autoresets and
 * per-copy random streams as stepping each env object; `steppingPath` says which path was chosen.
 * A batched vector env has no sub-env objects to hand out (`envs` throws); `getState(i)` works on
 * both paths.
 */
export class VectorEnv {
  readonly numEnvs: number;
  readonly autoresetMode: AutoresetMode;
  /** `"batched"` when one loop steps all copies, `"per-env"` when each env object is stepped. */
  readonly steppingPath: "batched" | "per-env";
  readonly singleObservationSpace: Space;
  readonly singleActionSpace: Space;
  /** Numbers per observation row (1 for `Discrete`). */
  readonly observationSize: number;
  /** Numbers per action row (1 for `Discrete`). */
  readonly actionSize: number;

  readonly #envs: readonly Env<unknown, unknown>[];
  readonly #batch: BatchedStepper | undefined;
  readonly #actionRows: (Float32Array | Float64Array | Int32Array)[] | undefined;
  readonly #resetResult: VectorResetResult;
  readonly #stepResult: VectorStepResult;
  readonly #runningReturns: Float64Array;
  readonly #runningLengths: Int32Array;
  /** 1 where env i ended its episode on the previous step and has not been reset since. */
  readonly #ended: Uint8Array;
  #hasReset = false;
  #closed = false;

  constructor(factory: (index: number) => Env<unknown, unknown>, options: VectorEnvOptions) {
    if (typeof factory !== "function") {
      throw new ValidationError(
        "VectorEnv factory",
        "a function (index) => Env",
        describeValue(factory),
      );
    }
    const numEnvs = options?.numEnvs;
    if (typeof numEnvs !== "number" || !Number.isSafeInteger(numEnvs) || numEnvs <= 0) {
      throw new ValidationError(
        "VectorEnv options.numEnvs",
        "a positive integer",
        describeValue(numEnvs),
      );
    }
    const mode = options.autoresetMode;
    if (!AUTORESET_MODES.includes(mode)) {
      throw new ValidationError(
        "VectorEnv options.autoresetMode",
        AUTORESET_MODES.map((m) => JSON.stringify(m)).join(", "),
        describeValue(mode),
      );
    }
    const stepping = options.stepping ?? "auto";
    if (!STEPPINGS.includes(stepping)) {
      throw new ValidationError(
        "VectorEnv options.stepping",
        STEPPINGS.map((s) => JSON.stringify(s)).join(", "),
        describeValue(stepping),
      );
    }
    const envs: Env<unknown, unknown>[] = [];
    for (let i = 0; i < numEnvs; i++) {
      const env = factory(i);
      if (!isEnvLike(env)) {
        throw new ValidationError(`VectorEnv factory(${i})`, "an Env", describeValue(env));
      }
      const first = envs[0];
      if (first !== undefined) {
        if (!first.observationSpace.equals(env.observationSpace)) {
          throw new ValidationError(
            `VectorEnv factory(${i}).observationSpace`,
            `the same space as env 0 (${JSON.stringify(first.observationSpace.toJSON())})`,
            JSON.stringify(env.observationSpace.toJSON()),
          );
        }
        if (!first.actionSpace.equals(env.actionSpace)) {
          throw new ValidationError(
            `VectorEnv factory(${i}).actionSpace`,
            `the same space as env 0 (${JSON.stringify(first.actionSpace.toJSON())})`,
            JSON.stringify(env.actionSpace.toJSON()),
          );
        }
      }
      envs.push(env);
    }
    const first = envs[0]!;
    this.numEnvs = numEnvs;
    this.autoresetMode = mode;
    this.#envs = Object.freeze(envs);
    let batch: BatchedStepper | undefined;
    if (stepping === "auto") {
      for (const adopt of BATCHED_STEPPERS) {
        batch = adopt(envs);
        if (batch !== undefined) break;
      }
    }
    this.#batch = batch;
    this.steppingPath = batch === undefined ? "per-env" : "batched";
    this.singleObservationSpace = first.observationSpace;
    this.singleActionSpace = first.actionSpace;
    this.observationSize = first.observationSpace.flatSize;
    this.actionSize = first.actionSpace.flatSize;

    const actionSpace = this.singleActionSpace;
    if (actionSpace.kind === "Discrete") {
      this.#actionRows = undefined;
    } else {
      const rows: (Float32Array | Float64Array | Int32Array)[] = [];
      for (let i = 0; i < numEnvs; i++) {
        rows.push(
          actionSpace.kind === "MultiDiscrete"
            ? new Int32Array(this.actionSize)
            : actionSpace.dtype === "float64"
              ? new Float64Array(this.actionSize)
              : new Float32Array(this.actionSize),
        );
      }
      this.#actionRows = rows;
    }

    const observations = new Float32Array(numEnvs * this.observationSize);
    const infos: Info[] = new Array<Info>(numEnvs).fill({});
    this.#resetResult = { observations, infos };
    this.#stepResult = {
      observations,
      rewards: new Float64Array(numEnvs),
      terminated: new Uint8Array(numEnvs),
      truncated: new Uint8Array(numEnvs),
      finished: new Uint8Array(numEnvs),
      finalObservations: new Float32Array(numEnvs * this.observationSize),
      finalInfos: new Array<Info | undefined>(numEnvs).fill(undefined),
      episodeReturns: new Float64Array(numEnvs),
      episodeLengths: new Int32Array(numEnvs),
      autoreset: new Uint8Array(numEnvs),
      infos,
    };
    this.#runningReturns = new Float64Array(numEnvs);
    this.#runningLengths = new Int32Array(numEnvs);
    this.#ended = new Uint8Array(numEnvs);
  }

  /** Resets every env (or those in `mask`), seeding env i with `seed + i`. */
  reset(args: VectorResetArgs = {}): VectorResetResult {
    this.#checkOpen("reset");
    const n = this.numEnvs;
    const seeds = this.#seeds(args.seed);
    const mask = args.mask;
    if (mask !== undefined) {
      if (mask === null || typeof mask.length !== "number" || mask.length !== n) {
        throw new ValidationError(
          "VectorEnv.reset mask",
          `${n} booleans or 0/1 values`,
          describeValue(mask),
        );
      }
      if (!this.#hasReset) {
        throw new Error("VectorEnv.reset: the first reset must reset every env (omit mask).");
      }
    }
    const { observations, infos } = this.#resetResult;
    const size = this.observationSize;
    for (let i = 0; i < n; i++) {
      if (mask !== undefined && !mask[i]) continue;
      const seed = seeds?.[i];
      if (this.#batch !== undefined) {
        this.#batch.resetCopy(i, seed, args.options, observations);
        infos[i] = EMPTY_INFO;
        this.#ended[i] = 0;
        this.#runningReturns[i] = 0;
        this.#runningLengths[i] = 0;
        continue;
      }
      const resetArgs: { seed?: number; options?: Record<string, unknown> } = {};
      if (seed !== undefined) resetArgs.seed = seed;
      if (args.options !== undefined) resetArgs.options = args.options;
      const result = this.#envs[i]!.reset(resetArgs);
      writeObservation(result.observation, observations, i * size, size, this, i);
      infos[i] = result.info;
      this.#ended[i] = 0;
      this.#runningReturns[i] = 0;
      this.#runningLengths[i] = 0;
    }
    this.#hasReset = true;
    return this.#resetResult;
  }

  /**
   * Steps every env with its row of `actions` and resets finished ones as `autoresetMode` says.
   * See `VectorStepResult` for what each array holds and how long it stays valid.
   */
  step(actions: ActionBatch): VectorStepResult {
    this.#checkOpen("step");
    if (!this.#hasReset) {
      throw new Error(
        "VectorEnv.step was called before reset(); call reset() (with a seed) first.",
      );
    }
    this.#checkActions(actions);
    const n = this.numEnvs;
    const size = this.observationSize;
    const mode = this.autoresetMode;
    const result = this.#stepResult;
    const { observations, rewards, terminated, truncated, finished, finalObservations } = result;
    const { finalInfos, episodeReturns, episodeLengths, autoreset, infos } = result;
    const ended = this.#ended;
    const runningReturns = this.#runningReturns;
    const runningLengths = this.#runningLengths;
    const actionRows = this.#actionRows;
    const actionSize = this.actionSize;

    if (mode === "disabled") {
      for (let i = 0; i < n; i++) {
        if (ended[i]) {
          throw new Error(
            `VectorEnv (autoresetMode "disabled"): env ${i} ended its episode on the previous step; reset it with reset({ mask }) before stepping again.`,
          );
        }
      }
    }

    if (this.#batch !== undefined) {
      this.#batch.step(actions, mode, result, {
        ended,
        runningReturns,
        runningLengths,
      });
      return result;
    }

    for (let i = 0; i < n; i++) {
      const env = this.#envs[i]!;
      finished[i] = 0;
      autoreset[i] = 0;
      finalInfos[i] = undefined;
      if (mode === "next-step" && ended[i]) {
        const reset = env.reset();
        writeObservation(reset.observation, observations, i * size, size, this, i);
        infos[i] = reset.info;
        rewards[i] = 0;
        terminated[i] = 0;
        truncated[i] = 0;
        autoreset[i] = 1;
        ended[i] = 0;
        runningReturns[i] = 0;
        runningLengths[i] = 0;
        continue;
      }
      let action: unknown;
      if (actionRows === undefined) {
        action = actions[i];
      } else {
        const row = actionRows[i]!;
        const offset = i * actionSize;
        for (let j = 0; j < actionSize; j++) row[j] = actions[offset + j]!;
        action = row;
      }
      const step = env.step(action);
      const reward = step.reward;
      rewards[i] = reward;
      terminated[i] = step.terminated ? 1 : 0;
      truncated[i] = step.truncated ? 1 : 0;
      infos[i] = step.info;
      runningReturns[i] = runningReturns[i]! + reward;
      runningLengths[i] = runningLengths[i]! + 1;
      if (step.terminated || step.truncated) {
        finished[i] = 1;
        finalInfos[i] = step.info;
        episodeReturns[i] = runningReturns[i]!;
        episodeLengths[i] = runningLengths[i]!;
        writeObservation(step.observation, finalObservations, i * size, size, this, i);
        if (mode === "same-step") {
          const reset = env.reset();
          writeObservation(reset.observation, observations, i * size, size, this, i);
          infos[i] = reset.info;
          autoreset[i] = 1;
          runningReturns[i] = 0;
          runningLengths[i] = 0;
        } else {
          writeObservation(step.observation, observations, i * size, size, this, i);
          ended[i] = 1;
        }
      } else {
        writeObservation(step.observation, observations, i * size, size, this, i);
      }
    }
    return result;
  }

  /**
   * The env objects the factory built, stepped one by one on the per-env path. A batched vector
   * env (`steppingPath === "batched"`) does not step them, so it does not hand them out: this
   * throws there (construct with `stepping: "per-env"` to get them; `getState(i)` works on both).
   */
  get envs(): readonly Env<unknown, unknown>[] {
    if (this.#batch !== undefined) {
      throw new Error(
        `VectorEnv.envs: this vector env steps its ${this.numEnvs} ${this.#batch.envName} copies in one batched loop, not through env objects; construct it with { stepping: "per-env" } to get the sub-envs, or read a copy's state with getState(index).`,
      );
    }
    return this.#envs;
  }

  /**
   * A copy of env `index`'s state: the bare env's `getState()` (under its wrappers) on the per-env
   * path, the batched stepper's row on the batched path (the same numbers). Throws when the env has
   * no `getState`.
   */
  getState(index: number): Float64Array {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.numEnvs) {
      throw new ValidationError(
        "VectorEnv.getState index",
        `an integer in [0, ${this.numEnvs})`,
        describeValue(index),
      );
    }
    if (this.#batch !== undefined) return this.#batch.getState(index);
    const bare = unwrap(this.#envs[index]!) as { getState?: () => Float64Array };
    if (typeof bare.getState !== "function") {
      throw new Error(`VectorEnv.getState: env ${index} has no getState() method.`);
    }
    return bare.getState();
  }

  /** Closes every sub-env; calling it twice is fine. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const env of this.#envs) env.close();
  }

  #checkActions(actions: ActionBatch): void {
    const kind = this.singleActionSpace.kind;
    const expectedLength = this.numEnvs * this.actionSize;
    const wantInt = kind !== "Box";
    const ok = wantInt ? actions instanceof Int32Array : actions instanceof Float32Array;
    if (!ok || actions.length !== expectedLength) {
      throw new ValidationError(
        "VectorEnv.step actions",
        `${wantInt ? "an Int32Array" : "a Float32Array"} [${this.numEnvs}${this.actionSize === 1 && kind === "Discrete" ? "" : ` * ${this.actionSize}`}] (${expectedLength} numbers for a ${kind} action space)`,
        describeValue(actions),
      );
    }
  }

  #seeds(seed: VectorResetArgs["seed"]): readonly (number | undefined)[] | undefined {
    if (seed === undefined) return undefined;
    const n = this.numEnvs;
    if (typeof seed === "number") {
      if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(seed + n)) {
        throw new ValidationError("VectorEnv.reset seed", "a safe integer", describeValue(seed));
      }
      return Array.from({ length: n }, (_, i) => seed + i);
    }
    if (!Array.isArray(seed) || seed.length !== n) {
      throw new ValidationError(
        "VectorEnv.reset seed",
        `a number or an array of ${n} seeds (numbers or undefined)`,
        describeValue(seed),
      );
    }
    return seed;
  }

  #checkOpen(method: string): void {
    if (this.#closed) throw new Error(`VectorEnv.${method} was called after close().`);
  }
}

/** Copies one observation (a number or an array-like of `size` numbers) into row `offset` of `out`. */
function writeObservation(
  observation: unknown,
  out: Float32Array,
  offset: number,
  size: number,
  vector: VectorEnv,
  index: number,
): void {
  if (typeof observation === "number" && size === 1) {
    out[offset] = observation;
    return;
  }
  const values = observation as ArrayLike<number>;
  if (typeof values !== "object" || values === null || values.length !== size) {
    throw new ValidationError(
      `VectorEnv env ${index} observation`,
      vector.singleObservationSpace.kind === "Discrete" ? "a number" : `${size} numbers`,
      describeValue(observation),
    );
  }
  for (let j = 0; j < size; j++) out[offset + j] = values[j]!;
}
