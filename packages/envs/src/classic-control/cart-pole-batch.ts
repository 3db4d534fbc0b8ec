import { type ActionBatch, Discrete, type Env, type Rng } from "@irlkit/core";
import {
  type BatchedStepper,
  EMPTY_INFO,
  hasBeenReset,
  peelMakeWrappers,
  type VectorEpisodeBookkeeping,
} from "../batched-stepper.js";
import type { AutoresetMode, VectorStepResult } from "../vector-env.js";
import {
  advanceCartPole,
  CART_POLE_RESET_BOUND,
  CART_POLE_STATE_NAMES,
  CartPole,
  type CartPoleIntegrator,
  cartPoleHasFallen,
} from "./cart-pole.js";
import { readResetState, reseed } from "./options.js";

/**
 * `numEnvs` copies of CartPole-v1 (as `make("CartPole-v1")` builds them: `TimeLimit` around
 * `OrderEnforcing` around `CartPole`) stepped in one loop: the states sit in one
 * `Float64Array [numEnvs * 4]`, the time-limit counters in an `Int32Array`, and each step writes
 * observations, rewards and flags straight into the vector env's buffers. No result object, no
 * observation array and no info object is allocated per step.
 *
 * Same numbers as the per-env path by construction: the dynamics are `CartPole`'s own
 * `advanceCartPole`, the termination test `cartPoleHasFallen`, and each copy keeps its own `Rng`,
 * reseeded and drawn exactly as `CartPole.reset` does (`reseed`, then four `uniform` draws). Only the
 * rewards of steps past termination are left out: inside a vector env a copy is always reset (or,
 * with autoreset disabled, refused) before it could step past its end.
 */
export class CartPoleBatch implements BatchedStepper {
  readonly envName = "CartPole";
  readonly #numEnvs: number;
  /** Row i is copy i's `[x, xDot, theta, thetaDot]`. */
  readonly #states: Float64Array;
  /** Steps since each copy's reset (`TimeLimit.elapsedSteps`). */
  readonly #elapsedSteps: Int32Array;
  readonly #maxEpisodeSteps: number;
  readonly #rngs: (Rng | undefined)[];
  readonly #euler: boolean;
  /** Reward of a step that does not terminate, and of the step that does. */
  readonly #aliveReward: number;
  readonly #fallReward: number;
  /** For the error of an action outside {0, 1} (the message `CartPole.step` would throw). */
  readonly #actionSpace = new Discrete(2);

  /**
   * The batched stepper for `envs` when every one is a fresh CartPole (exactly that class, not
   * seals' `FixedHorizonCartPole`) under `make`'s wrappers, with the same kwargs and time limit;
   * otherwise `undefined`.
   */
  static adopt(envs: readonly Env<unknown, unknown>[]): CartPoleBatch | undefined {
    let kwargs:
      | { suttonBartoReward: boolean; kinematicsIntegrator: CartPoleIntegrator }
      | undefined;
    let maxEpisodeSteps: number | undefined;
    for (const env of envs) {
      const peeled = peelMakeWrappers(env);
      if (peeled === undefined) return undefined;
      const bare = peeled.bare;
      if (Object.getPrototypeOf(bare) !== CartPole.prototype) return undefined;
      const cartPole = bare as CartPole;
      if (hasBeenReset(cartPole)) return undefined;
      const { suttonBartoReward, kinematicsIntegrator } = cartPole;
      if (kwargs === undefined) {
        kwargs = { suttonBartoReward, kinematicsIntegrator };
        maxEpisodeSteps = peeled.maxEpisodeSteps;
      } else if (
        kwargs.suttonBartoReward !== suttonBartoReward ||
        kwargs.kinematicsIntegrator !== kinematicsIntegrator ||
        maxEpisodeSteps !== peeled.maxEpisodeSteps
      ) {
        return undefined;
      }
    }
    if (kwargs === undefined || maxEpisodeSteps === undefined) return undefined;
    return new CartPoleBatch(envs.length, kwargs, maxEpisodeSteps);
  }

  private constructor(
    numEnvs: number,
    kwargs: { suttonBartoReward: boolean; kinematicsIntegrator: CartPoleIntegrator },
    maxEpisodeSteps: number,
  ) {
    this.#numEnvs = numEnvs;
    this.#states = new Float64Array(numEnvs * 4);
    this.#elapsedSteps = new Int32Array(numEnvs);
    this.#maxEpisodeSteps = maxEpisodeSteps;
    this.#rngs = new Array<Rng | undefined>(numEnvs).fill(undefined);
    this.#euler = kwargs.kinematicsIntegrator === "euler";
    // CartPole.step: +1 per step including the terminating one; with suttonBartoReward 0 per
    // step and −1 on the terminating one.
    this.#aliveReward = kwargs.suttonBartoReward ? 0.0 : 1.0;
    this.#fallReward = kwargs.suttonBartoReward ? -1.0 : 1.0;
  }

  resetCopy(
    index: number,
    seed: number | undefined,
    options: Record<string, unknown> | undefined,
    observations: Float32Array,
  ): void {
    // TimeLimit.reset clears its counter before the inner reset runs.
    this.#elapsedSteps[index] = 0;
    const rng = reseed(this.#rngs[index], seed);
    this.#rngs[index] = rng;
    const states = this.#states;
    const offset = index * 4;
    if (options === undefined) {
      // What readResetState does without options: four draws in [-0.05, 0.05).
      for (let j = 0; j < 4; j++) {
        states[offset + j] = rng.uniform(-CART_POLE_RESET_BOUND, CART_POLE_RESET_BOUND);
      }
    } else {
      const state = readResetState(
        options,
        CART_POLE_STATE_NAMES,
        -CART_POLE_RESET_BOUND,
        CART_POLE_RESET_BOUND,
        (low, high) => {
          const drawn = new Float64Array(4);
          for (let j = 0; j < 4; j++) drawn[j] = rng.uniform(low, high);
          return drawn;
        },
      );
      states.set(state, offset);
    }
    writeRow(states, observations, offset);
  }

  step(
    actions: ActionBatch,
    autoresetMode: AutoresetMode,
    result: VectorStepResult,
    episodes: VectorEpisodeBookkeeping,
  ): void {
    const { observations, rewards, terminated, truncated, finished, finalObservations } = result;
    const { finalInfos, episodeReturns, episodeLengths, autoreset, infos } = result;
    const { ended, runningReturns, runningLengths } = episodes;
    const states = this.#states;
    const elapsedSteps = this.#elapsedSteps;
    const maxEpisodeSteps = this.#maxEpisodeSteps;
    const euler = this.#euler;
    const aliveReward = this.#aliveReward;
    const fallReward = this.#fallReward;
    const nextStep = autoresetMode === "next-step";
    const sameStep = autoresetMode === "same-step";
    const numEnvs = this.#numEnvs;

    for (let i = 0; i < numEnvs; i++) {
      const offset = i * 4;
      finished[i] = 0;
      autoreset[i] = 0;
      finalInfos[i] = undefined;
      if (nextStep && ended[i] === 1) {
        // "next-step": the copy that ended on the previous step is reset instead of stepped.
        this.resetCopy(i, undefined, undefined, observations);
        infos[i] = EMPTY_INFO;
        rewards[i] = 0;
        terminated[i] = 0;
        truncated[i] = 0;
        autoreset[i] = 1;
        ended[i] = 0;
        runningReturns[i] = 0;
        runningLengths[i] = 0;
        continue;
      }
      const action = actions[i]!;
      if (action !== 0 && action !== 1) this.#actionSpace.check(action, "action");
      advanceCartPole(states, offset, action === 1, euler);
      const fell = cartPoleHasFallen(states[offset]!, states[offset + 2]!);
      const steps = elapsedSteps[i]! + 1;
      elapsedSteps[i] = steps;
      const outOfTime = steps >= maxEpisodeSteps;
      const reward = fell ? fallReward : aliveReward;
      rewards[i] = reward;
      terminated[i] = fell ? 1 : 0;
      truncated[i] = outOfTime ? 1 : 0;
      infos[i] = EMPTY_INFO;
      const episodeReturn = runningReturns[i]! + reward;
      const episodeLength = runningLengths[i]! + 1;
      runningReturns[i] = episodeReturn;
      runningLengths[i] = episodeLength;
      if (fell || outOfTime) {
        finished[i] = 1;
        finalInfos[i] = EMPTY_INFO;
        episodeReturns[i] = episodeReturn;
        episodeLengths[i] = episodeLength;
        writeRow(states, finalObservations, offset);
        if (sameStep) {
          this.resetCopy(i, undefined, undefined, observations);
          autoreset[i] = 1;
          runningReturns[i] = 0;
          runningLengths[i] = 0;
        } else {
          writeRow(states, observations, offset);
          ended[i] = 1;
        }
      } else {
        writeRow(states, observations, offset);
      }
    }
  }

  getState(index: number): Float64Array {
    if (this.#rngs[index] === undefined) {
      throw new Error("CartPole.getState() was called before reset().");
    }
    return this.#states.slice(index * 4, index * 4 + 4);
  }
}

/** Row `offset / 4` of the float64 states as a float32 observation row (`Float32Array.from`'s rounding). */
function writeRow(states: Float64Array, out: Float32Array, offset: number): void {
  out[offset] = states[offset]!;
  out[offset + 1] = states[offset + 1]!;
  out[offset + 2] = states[offset + 2]!;
  out[offset + 3] = states[offset + 3]!;
}
