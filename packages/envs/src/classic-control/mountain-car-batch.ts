import { type ActionBatch, Discrete, type Env, type Rng } from "@irlkit/core";
import {
  type BatchedStepper,
  EMPTY_INFO,
  hasBeenReset,
  peelMakeWrappers,
  type VectorEpisodeBookkeeping,
} from "../batched-stepper.js";
import type { AutoresetMode, VectorStepResult } from "../vector-env.js";
import { advanceMountainCar, MountainCar, readMountainCarStart } from "./mountain-car.js";
import { reseed } from "./options.js";

/**
 * `numEnvs` copies of MountainCar-v0 (as `make("MountainCar-v0")` builds them) stepped in one loop,
 * as `CartPoleBatch` does for CartPole (see there and decision 0018): states in one
 * `Float64Array [numEnvs * 2]` of `[position, velocity]` rows, the dynamics `MountainCar`'s own
 * `advanceMountainCar`, one `Rng` per copy drawn as `MountainCar.reset` draws.
 */
export class MountainCarBatch implements BatchedStepper {
  readonly envName = "MountainCar";
  readonly #numEnvs: number;
  readonly #states: Float64Array;
  readonly #elapsedSteps: Int32Array;
  readonly #maxEpisodeSteps: number;
  readonly #goalVelocity: number;
  readonly #rngs: (Rng | undefined)[];
  readonly #actionSpace = new Discrete(3);

  /**
   * The batched stepper for `envs` when every one is a fresh MountainCar (exactly that class, not
   * seals' `FixedHorizonMountainCar`) under `make`'s wrappers, with the same `goalVelocity` and time
   * limit; otherwise `undefined`.
   */
  static adopt(envs: readonly Env<unknown, unknown>[]): MountainCarBatch | undefined {
    let goalVelocity: number | undefined;
    let maxEpisodeSteps: number | undefined;
    for (const env of envs) {
      const peeled = peelMakeWrappers(env);
      if (peeled === undefined) return undefined;
      if (Object.getPrototypeOf(peeled.bare) !== MountainCar.prototype) return undefined;
      const car = peeled.bare as MountainCar;
      if (hasBeenReset(car)) return undefined;
      if (goalVelocity === undefined) {
        goalVelocity = car.goalVelocity;
        maxEpisodeSteps = peeled.maxEpisodeSteps;
      } else if (
        !Object.is(goalVelocity, car.goalVelocity) ||
        maxEpisodeSteps !== peeled.maxEpisodeSteps
      ) {
        return undefined;
      }
    }
    if (goalVelocity === undefined || maxEpisodeSteps === undefined) return undefined;
    return new MountainCarBatch(envs.length, goalVelocity, maxEpisodeSteps);
  }

  private constructor(numEnvs: number, goalVelocity: number, maxEpisodeSteps: number) {
    this.#numEnvs = numEnvs;
    this.#states = new Float64Array(numEnvs * 2);
    this.#elapsedSteps = new Int32Array(numEnvs);
    this.#maxEpisodeSteps = maxEpisodeSteps;
    this.#goalVelocity = goalVelocity;
    this.#rngs = new Array<Rng | undefined>(numEnvs).fill(undefined);
  }

  resetCopy(
    index: number,
    seed: number | undefined,
    options: Record<string, unknown> | undefined,
    observations: Float32Array,
  ): void {
    this.#elapsedSteps[index] = 0;
    const rng = reseed(this.#rngs[index], seed);
    this.#rngs[index] = rng;
    const offset = index * 2;
    const states = this.#states;
    if (options === undefined) {
      // readMountainCarStart without options: position uniform in [-0.6, -0.4), at rest.
      states[offset] = rng.uniform(-0.6, -0.4);
      states[offset + 1] = 0;
    } else {
      states.set(readMountainCarStart(options, rng), offset);
    }
    observations[offset] = states[offset]!;
    observations[offset + 1] = states[offset + 1]!;
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
    const goalVelocity = this.#goalVelocity;
    const nextStep = autoresetMode === "next-step";
    const sameStep = autoresetMode === "same-step";
    const numEnvs = this.#numEnvs;

    for (let i = 0; i < numEnvs; i++) {
      const offset = i * 2;
      finished[i] = 0;
      autoreset[i] = 0;
      finalInfos[i] = undefined;
      if (nextStep && ended[i] === 1) {
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
      if (action !== 0 && action !== 1 && action !== 2) this.#actionSpace.check(action, "action");
      const reachedGoal = advanceMountainCar(states, offset, action, goalVelocity);
      const steps = elapsedSteps[i]! + 1;
      elapsedSteps[i] = steps;
      const outOfTime = steps >= maxEpisodeSteps;
      // MountainCar.step: −1 every step.
      rewards[i] = -1.0;
      terminated[i] = reachedGoal ? 1 : 0;
      truncated[i] = outOfTime ? 1 : 0;
      infos[i] = EMPTY_INFO;
      const episodeReturn = runningReturns[i]! - 1.0;
      const episodeLength = runningLengths[i]! + 1;
      runningReturns[i] = episodeReturn;
      runningLengths[i] = episodeLength;
      if (reachedGoal || outOfTime) {
        finished[i] = 1;
        finalInfos[i] = EMPTY_INFO;
        episodeReturns[i] = episodeReturn;
        episodeLengths[i] = episodeLength;
        finalObservations[offset] = states[offset]!;
        finalObservations[offset + 1] = states[offset + 1]!;
        if (sameStep) {
          this.resetCopy(i, undefined, undefined, observations);
          autoreset[i] = 1;
          runningReturns[i] = 0;
          runningLengths[i] = 0;
          continue;
        }
        ended[i] = 1;
      }
      observations[offset] = states[offset]!;
      observations[offset + 1] = states[offset + 1]!;
    }
  }

  getState(index: number): Float64Array {
    if (this.#rngs[index] === undefined) {
      throw new Error("MountainCar.getState() was called before reset().");
    }
    return this.#states.slice(index * 2, index * 2 + 2);
  }
}
