/**
 * A tabular `PolicyOptimizer` for checking Guided Cost Learning against exact MaxEnt IRL on a known
 * MDP: a time-indexed softmax policy π_t(a|s), sampled in the MDP's exact dynamics, improved by ONE
 * soft policy-iteration (mirror-descent) step per `update` — the tabular stand-in for "one
 * policy-optimisation step per reward update" (the paper uses guided policy search; irlkit's control
 * benchmarks use PPO):
 *
 *     r̂(s, a)     ← the relabelled batch's rewards (see `update`)
 *     Q^π_t(s, a) = r̂(s, a) + γ Σ_s' P(s'|s, a) V^π_{t+1}(s')     (soft evaluation of π, V^π_H ≡ 0)
 *     V^π_t(s)    = Σ_a π_t(a|s) [Q^π_t(s, a) − log π_t(a|s)]
 *     log π′_t    ∝ (1 − η) log π_t + η Q^π_t                        (η = 1: soft policy iteration)
 *
 * The soft-optimal policy of a finite horizon depends on time, and a stationary proposal cannot
 * follow it: importance weights from a stationary q under-sample what p does near the end of an
 * episode and bias Ẑ. So observations are (state, time) pairs, `Box [2]`: `[s, t]`. Rewards that
 * should not depend on time read column 0 only.
 *
 * Batches come from samplers' `collectRollout`, as PPO's do: the MDP's episodes run as a vector
 * env (`TimeIndexedEpisodes`). The optimiser never sees the reward model: only the rewards written
 * into the batch, as PPO.
 */
import {
  type ActionBatch,
  type ActOptions,
  Box,
  Discrete,
  describeValue,
  type Metrics,
  Rng,
  type StochasticPolicy,
  ValidationError,
} from "@irlkit/core";
import type { TabularMdp } from "@irlkit/envs";
import type { PolicyOptimizer } from "@irlkit/rl";
import { collectRollout, type RolloutBatch, type RolloutVectorEnv } from "@irlkit/samplers";

export interface SoftPolicyIterationOptions {
  /** The known dynamics (and, when it has one, the true reward reported as episode returns). */
  mdp: TabularMdp;
  /** Seeds the sampled episodes. */
  seed: number;
  /** Episodes per `collect()` (the batch's `numEnvs`). @default 64 */
  episodesPerBatch?: number;
  /** Steps per episode (the batch's `numSteps`). @default the MDP's horizon */
  horizon?: number;
  /** γ of the soft evaluation. @default the MDP's discount */
  discount?: number;
  /** Mirror-descent step η in (0, 1]; 1 is a full soft policy-iteration step. @default 1 */
  stepSize?: number;
}

/**
 * π_t(a|s) = softmax(logits[t][s]) over observations `[s, t]` (`Box [2]`, row-major pairs).
 * `getParameters`/`setParameters` copy the logits, so Guided Cost Learning can evaluate earlier
 * snapshots.
 */
export class SoftmaxTabularPolicy implements StochasticPolicy {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  readonly stateCount: number;
  readonly horizon: number;
  /** Logits `[H * S * A]`, row-major: `(t * S + s) * A + a`. */
  readonly logits: Float32Array;
  readonly #logProbabilities: Float64Array;

  constructor(stateCount: number, actionCount: number, horizon: number) {
    this.stateCount = stateCount;
    this.horizon = horizon;
    this.observationSpace = new Box({
      shape: [2],
      low: [0, 0],
      high: [stateCount - 1, horizon - 1],
    });
    this.actionSpace = new Discrete(actionCount);
    this.logits = new Float32Array(horizon * stateCount * actionCount);
    this.#logProbabilities = new Float64Array(this.logits.length);
    this.#normalise();
  }

  /** log π_t(a|s) `[H * S * A]` (a view; do not write). */
  get logProbabilities(): Float64Array {
    return this.#logProbabilities;
  }

  act(observations: Float32Array, rng: Rng, options: ActOptions = {}): Int32Array {
    const A = this.actionSpace.n;
    const actions = new Int32Array(observations.length / 2);
    const row = new Float64Array(A);
    for (let i = 0; i < actions.length; i++) {
      const offset = this.#row(observations, i) * A;
      for (let a = 0; a < A; a++) row[a] = Math.exp(this.#logProbabilities[offset + a]!);
      if (options.deterministic === true) {
        let best = 0;
        for (let a = 1; a < A; a++) if (row[a]! > row[best]!) best = a;
        actions[i] = best;
      } else {
        actions[i] = rng.categorical(row);
      }
    }
    return actions;
  }

  logProb(observations: Float32Array, actions: ActionBatch): Float32Array {
    const A = this.actionSpace.n;
    if (!(actions instanceof Int32Array) || actions.length * 2 !== observations.length) {
      throw new ValidationError(
        "SoftmaxTabularPolicy.logProb actions",
        `an Int32Array [${observations.length / 2}]`,
        describeValue(actions),
      );
    }
    const out = new Float32Array(actions.length);
    for (let i = 0; i < out.length; i++) {
      out[i] = this.#logProbabilities[this.#row(observations, i) * A + actions[i]!]!;
    }
    return out;
  }

  entropy(observations: Float32Array): Float32Array {
    const A = this.actionSpace.n;
    const out = new Float32Array(observations.length / 2);
    for (let i = 0; i < out.length; i++) {
      const offset = this.#row(observations, i) * A;
      let entropy = 0;
      for (let a = 0; a < A; a++) {
        const logP = this.#logProbabilities[offset + a]!;
        entropy -= Math.exp(logP) * logP;
      }
      out[i] = entropy;
    }
    return out;
  }

  getParameters(): Float32Array[] {
    return [this.logits.slice()];
  }

  setParameters(parameters: readonly Float32Array[]): void {
    const [logits] = parameters;
    if (parameters.length !== 1 || logits === undefined || logits.length !== this.logits.length) {
      throw new ValidationError(
        "SoftmaxTabularPolicy.setParameters",
        `[Float32Array(${this.logits.length})] (the logits)`,
        describeValue(parameters),
      );
    }
    this.logits.set(logits);
    this.#normalise();
  }

  /** log π = logits − log Σ exp(logits), per (t, s) row (max-shifted). */
  #normalise(): void {
    const A = this.actionSpace.n;
    for (let row = 0; row < this.horizon * this.stateCount; row++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let a = 0; a < A; a++) max = Math.max(max, this.logits[row * A + a]!);
      let sum = 0;
      for (let a = 0; a < A; a++) sum += Math.exp(this.logits[row * A + a]! - max);
      const logNormaliser = max + Math.log(sum);
      for (let a = 0; a < A; a++) {
        this.#logProbabilities[row * A + a] = this.logits[row * A + a]! - logNormaliser;
      }
    }
  }

  /** The table row t * S + s of observation i. */
  #row(observations: Float32Array, i: number): number {
    const s = observations[2 * i]!;
    const t = observations[2 * i + 1]!;
    if (
      !Number.isInteger(s) ||
      s < 0 ||
      s >= this.stateCount ||
      !Number.isInteger(t) ||
      t < 0 ||
      t >= this.horizon
    ) {
      throw new ValidationError(
        `SoftmaxTabularPolicy observations[${i}]`,
        `[state in [0, ${this.stateCount}), time in [0, ${this.horizon})]`,
        `[${s}, ${t}]`,
      );
    }
    return t * this.stateCount + s;
  }
}

/**
 * (state, time) observations `[T+1, 2]` of a state-index trajectory, for demonstrations fed to a
 * `SoftPolicyIterationOptimizer`'s policy (the last observation gets time T, clipped to H − 1).
 */
export function timeIndexedObservations(states: ArrayLike<number>, horizon: number): Float32Array {
  const out = new Float32Array(states.length * 2);
  for (let t = 0; t < states.length; t++) {
    out[2 * t] = states[t]!;
    out[2 * t + 1] = Math.min(t, horizon - 1);
  }
  return out;
}

/** One soft policy-iteration step per update on a known tabular MDP (see the module comment). */
export class SoftPolicyIterationOptimizer implements PolicyOptimizer {
  readonly mdp: TabularMdp;
  readonly policy: SoftmaxTabularPolicy;
  readonly episodesPerBatch: number;
  readonly horizon: number;
  readonly discount: number;
  readonly stepSize: number;
  /** The reward estimate r̂(s, a) `[S * A]` the last update planned with. */
  readonly rewardEstimate: Float64Array;
  readonly #rng: Rng;
  readonly #episodes: TimeIndexedEpisodes;
  /** Where the next batch's episodes start (the previous batch's last step reset them). */
  #observations: Float32Array | undefined;
  #timesteps = 0;
  #iteration = 0;

  constructor(options: SoftPolicyIterationOptions) {
    const { mdp } = options;
    const check = (key: string, value: number, valid: boolean, allowed: string) => {
      if (!valid) {
        throw new ValidationError(
          `SoftPolicyIterationOptimizer ${key}`,
          allowed,
          describeValue(value),
        );
      }
      return value;
    };
    if (!Number.isSafeInteger(options.seed)) {
      throw new ValidationError(
        "SoftPolicyIterationOptimizer seed",
        "a safe integer",
        describeValue(options.seed),
      );
    }
    const episodes = options.episodesPerBatch ?? 64;
    this.episodesPerBatch = check(
      "episodesPerBatch",
      episodes,
      Number.isSafeInteger(episodes) && episodes > 0,
      "a positive integer",
    );
    const horizon = options.horizon ?? mdp.horizon ?? Number.NaN;
    this.horizon = check(
      "horizon",
      horizon,
      Number.isSafeInteger(horizon) && horizon > 0,
      "a positive integer (the MDP has no horizon)",
    );
    const discount = options.discount ?? mdp.discount;
    this.discount = check(
      "discount",
      discount,
      discount >= 0 && discount <= 1,
      "a number in [0, 1]",
    );
    const stepSize = options.stepSize ?? 1;
    this.stepSize = check(
      "stepSize",
      stepSize,
      stepSize > 0 && stepSize <= 1,
      "a number in (0, 1]",
    );
    this.mdp = mdp;
    this.policy = new SoftmaxTabularPolicy(mdp.stateCount, mdp.actionCount, this.horizon);
    this.rewardEstimate = new Float64Array(mdp.stateCount * mdp.actionCount);
    this.#rng = new Rng(options.seed).derive("soft-policy-iteration");
    this.#episodes = new TimeIndexedEpisodes(mdp, this.policy, this.episodesPerBatch, this.#rng);
  }

  get timesteps(): number {
    return this.#timesteps;
  }

  get iteration(): number {
    return this.#iteration;
  }

  /**
   * `episodesPerBatch` episodes of `horizon` steps from the MDP's initial distribution, through
   * `collectRollout` (each batch is whole episodes: the last step of one batch restarts them).
   */
  async collect(): Promise<RolloutBatch> {
    const batch = await collectRollout(this.policy, this.#episodes, {
      numSteps: this.horizon,
      rng: this.#rng,
      ...(this.#observations === undefined ? {} : { initialObservations: this.#observations }),
      timesteps: this.#timesteps,
    });
    this.#observations = batch.lastObservations;
    this.#timesteps = batch.timesteps;
    return batch;
  }

  /**
   * r̂(s, a) from the batch: the mean relabelled reward of each visited pair; an unvisited action of
   * a visited state gets the mean over that state's visited actions (exact for a state reward);
   * unvisited states keep their previous estimate. Then one soft policy-iteration step.
   */
  async update(batch: RolloutBatch): Promise<Metrics> {
    const { mdp } = this;
    const S = mdp.stateCount;
    const A = mdp.actionCount;
    const sums = new Float64Array(S * A);
    const counts = new Int32Array(S * A);
    for (let row = 0; row < batch.rewards.length; row++) {
      const pair = batch.observations[2 * row]! * A + batch.actions[row]!;
      sums[pair]! += batch.rewards[row]!;
      counts[pair]!++;
    }
    for (let s = 0; s < S; s++) {
      let stateSum = 0;
      let stateCount = 0;
      for (let a = 0; a < A; a++) {
        stateSum += sums[s * A + a]!;
        stateCount += counts[s * A + a]!;
      }
      if (stateCount === 0) continue;
      for (let a = 0; a < A; a++) {
        const pair = s * A + a;
        this.rewardEstimate[pair] =
          counts[pair]! > 0 ? sums[pair]! / counts[pair]! : stateSum / stateCount;
      }
    }

    // Soft evaluation of the current π backwards in time, and the mirror-descent step per t.
    const H = this.horizon;
    const log = this.policy.logProbabilities;
    const eta = this.stepSize;
    const logits = new Float32Array(H * S * A);
    let nextValues = new Float64Array(S);
    for (let t = H - 1; t >= 0; t--) {
      const values = new Float64Array(S);
      for (let s = 0; s < S; s++) {
        let value = 0;
        for (let a = 0; a < A; a++) {
          const pair = s * A + a;
          const index = (t * S + s) * A + a;
          const future = t === H - 1 ? 0 : mdp.expectation(s, a, nextValues);
          const q = this.rewardEstimate[pair]! + this.discount * future;
          value += Math.exp(log[index]!) * (q - log[index]!);
          logits[index] = (1 - eta) * log[index]! + eta * q;
        }
        values[s] = value;
      }
      nextValues = values;
    }
    this.policy.setParameters([logits]);
    this.#iteration++;
    let entropy = 0;
    const updated = this.policy.logProbabilities;
    for (let index = 0; index < updated.length; index++) {
      entropy -= Math.exp(updated[index]!) * updated[index]!;
    }
    entropy /= H * S;
    return Object.freeze({
      "softPolicyIteration/entropyMean": entropy,
      "softPolicyIteration/iteration": this.#iteration,
    });
  }

  dispose(): void {}
}

/**
 * `numEnvs` episodes of the MDP's exact dynamics as the vector env `collectRollout` steps:
 * observations `[s, t]`, the true reward where the MDP has one (else 0), each episode cut
 * (truncated) after `horizon` steps — its final observation `[s_H, H − 1]`, the time clipped into
 * the policy's table — and restarted from the initial distribution within the same step
 * (`"same-step"` autoreset). One `Rng` drives starts and transitions.
 */
class TimeIndexedEpisodes implements RolloutVectorEnv {
  readonly autoresetMode = "same-step";
  readonly numEnvs: number;
  readonly singleObservationSpace: Box;
  readonly singleActionSpace: Discrete;
  readonly #mdp: TabularMdp;
  readonly #horizon: number;
  readonly #rng: Rng;
  readonly #states: Int32Array;
  readonly #times: Int32Array;
  readonly #returns: Float64Array;

  constructor(mdp: TabularMdp, policy: SoftmaxTabularPolicy, numEnvs: number, rng: Rng) {
    this.#mdp = mdp;
    this.#horizon = policy.horizon;
    this.#rng = rng;
    this.numEnvs = numEnvs;
    this.singleObservationSpace = policy.observationSpace;
    this.singleActionSpace = policy.actionSpace;
    this.#states = new Int32Array(numEnvs);
    this.#times = new Int32Array(numEnvs);
    this.#returns = new Float64Array(numEnvs);
  }

  reset(): { observations: Float32Array } {
    for (let i = 0; i < this.numEnvs; i++) this.#start(i);
    return { observations: this.#observations() };
  }

  step(actions: ActionBatch) {
    const N = this.numEnvs;
    const mdp = this.#mdp;
    const rewards = new Float64Array(N);
    const truncated = new Uint8Array(N);
    const finalObservations = new Float32Array(N * 2);
    const episodeReturns = new Float64Array(N);
    const episodeLengths = new Int32Array(N);
    for (let i = 0; i < N; i++) {
      const state = this.#states[i]!;
      const action = actions[i]!;
      const next = mdp.sampleNextState(state, action, this.#rng);
      const reward = mdp.reward === undefined ? 0 : mdp.rewardFor(state, action);
      rewards[i] = reward;
      this.#returns[i]! += reward;
      this.#states[i] = next;
      this.#times[i]!++;
      if (this.#times[i]! >= this.#horizon) {
        truncated[i] = 1;
        finalObservations[2 * i] = next;
        finalObservations[2 * i + 1] = this.#horizon - 1;
        episodeReturns[i] = this.#returns[i]!;
        episodeLengths[i] = this.#horizon;
        this.#start(i);
      }
    }
    return {
      observations: this.#observations(),
      rewards,
      terminated: new Uint8Array(N),
      truncated,
      finished: truncated,
      finalObservations,
      episodeReturns,
      episodeLengths,
      autoreset: new Uint8Array(N),
    };
  }

  #start(i: number): void {
    this.#states[i] = this.#mdp.sampleInitialState(this.#rng);
    this.#times[i] = 0;
    this.#returns[i] = 0;
  }

  #observations(): Float32Array {
    const observations = new Float32Array(this.numEnvs * 2);
    for (let i = 0; i < this.numEnvs; i++) {
      observations[2 * i] = this.#states[i]!;
      observations[2 * i + 1] = this.#times[i]!;
    }
    return observations;
  }
}
