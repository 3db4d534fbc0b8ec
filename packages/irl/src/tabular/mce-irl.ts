/**
 * Maximum causal entropy IRL with known tabular dynamics (Ziebart, Bagnell, Dey 2010), finite
 * horizon, for any differentiable state reward r_ψ(s) — the loop of imitation's `MCEIRL`:
 *
 *     repeat                                                   (one `trainRound()`)
 *       r      ← r_ψ(s) for every state                      (one batched forward pass)
 *       π      ← soft value iteration on r                    (backward pass, exact log Z)
 *       μ_π    ← state occupancy of π                         (forward pass)
 *       ∇_ψ L  = Σ_s (μ_π(s) − μ_D(s)) ∇_ψ r_ψ(s)             (negative log-likelihood gradient)
 *       ψ      ← Adam step on ∇_ψ L (+ optional L2 weight decay)
 *     until ‖μ_π − μ_D‖∞ < occupancyTolerance and ‖∇_ψ L‖₂ < gradientTolerance
 *
 * The negative log-likelihood of the demonstrations is L(ψ) = −Σ_s μ_D(s) r_ψ(s) + log Z(ψ), and
 * ∂ log Z / ∂r(s) = μ_π(s), which is why only the two occupancies are needed. `MaxEntIrlTrainer`
 * and `DeepMaxEntIrlTrainer` are this trainer with their own reward model and defaults (see their
 * files). Reads top to bottom: config → trainer → the round → the train loop → checkpoints → the
 * `mceIrl()` function, which runs a trainer to the end.
 */
import {
  describeValue,
  type MetricSink,
  type Metrics,
  nullMetricSink,
  type RewardInput,
  TrainingDivergedError,
  type Trajectory,
  ValidationError,
} from "@irlkit/core";
import type { TabularMdp } from "@irlkit/envs";
import {
  Adam,
  type AdamState,
  checkParameters,
  computeGradients,
  globalNorm,
  readParameters,
  tf,
  writeParameters,
} from "@irlkit/nn";
import {
  disposeRewardTensors,
  type RewardModel,
  type RewardTensors,
  rewardTensors,
} from "@irlkit/rewards";
import {
  maxCausalEntropyOccupancy,
  maxEntPartition,
  occupancyMeasure,
  PlannerWorkspace,
  resolveDiscount,
  resolveHorizon,
  softValueIteration,
} from "@irlkit/rl";
import {
  type MceIrlConfig,
  type ResolvedMceIrlConfig,
  resolveMceIrlConfig,
} from "./mce-irl-config.js";
import { resolveExpertOccupancy, resolveStateObservations } from "./tabular-inputs.js";

// ─── 1. Config: mce-irl-config.ts; the inputs ─────────────────────────────────────────────────

/** The data and sinks every tabular IRL trainer takes (collaborators, not settings). */
export interface TabularIrlInputs {
  /** The known dynamics. */
  mdp: TabularMdp;
  /** Expert demonstrations with state-index observations; or give `expertOccupancy`. */
  demonstrations?: readonly Trajectory[] | undefined;
  /** The expert's total occupancy μ_D `[S]` (Σ_{t=0..H} γ^t D_t), instead of demonstrations. */
  expertOccupancy?: ArrayLike<number> | undefined;
  /** Receives `irl/*` metrics every `logInterval` iterations. @default a sink that drops them */
  metricSink?: MetricSink | undefined;
  /** Names the algorithm in errors, divergence messages and config paths. @default the method's */
  algorithmName?: string | undefined;
}

export interface MceIrlTrainerOptions<R extends RewardModel = RewardModel>
  extends TabularIrlInputs {
  /** A state reward model r_ψ(s) (it must read observations only; the caller owns it). */
  rewardModel: R;
  /**
   * What the reward model observes in each state, `Float32Array [S * observationSize]`.
   * @default the state index when the model's observation space is Discrete; the MDP's feature
   * matrix when it is a Box with `featureCount` entries
   */
  stateObservations?: Float32Array | undefined;
  config?: MceIrlConfig | undefined;
}

export interface MceIrlResult {
  /** Iterations run (gradient steps taken). */
  iterations: number;
  /** Both stopping tests held before the budget ran out. */
  converged: boolean;
  /** r_ψ(s) `[S]` of the final model. */
  stateRewards: Float64Array;
  /** Time-indexed soft-optimal policy for the final reward, `[H][S][A]`. */
  policy: Float64Array;
  /** μ_π `[S]` under the final reward. */
  learnerOccupancy: Float64Array;
  /** μ_D `[S]`. */
  expertOccupancy: Float64Array;
  /** ‖μ_π − μ_D‖∞ and ‖∇‖₂ at the last check. */
  occupancyLinf: number;
  gradientNorm: number;
}

/** What `saveState` holds: with it a new trainer on the same inputs continues number for number. */
export interface MceIrlTrainerState {
  /** Gradient steps taken. */
  iteration: number;
  converged: boolean;
  /** ‖μ_π − μ_D‖∞ and ‖∇‖₂ at the last check; null before the first. */
  occupancyLinf: number | null;
  gradientNorm: number | null;
  /** The reward model's trainable variables, in `rewardModel.trainableVariables` order. */
  rewardParameters: Float32Array[];
  /** Adam's state (moments in the same order); `loadState` starts it afresh for null. */
  optimizer: AdamState | null;
}

// ─── 2. The trainer ─────────────────────────────────────────────────────────────────────────────

/**
 * MCE IRL as a trainer, shaped like `AdversarialTrainer`: collaborators in the options,
 * hyperparameters in `mceIrlConfigSpec`, `trainRound()` (one gradient step), `train(rounds)`,
 * `saveState()` / `loadState()` (exact continuation) and `result()`.
 *
 * ```ts
 * const reward = new TabularReward({ observationSpace: new Discrete(S), actionSpace });
 * const trainer = new MceIrlTrainer({ mdp, rewardModel: reward, demonstrations, config: { learningRate: 0.05 } });
 * trainer.train();
 * const { stateRewards, policy } = trainer.result();
 * trainer.dispose(); // its tensors; the reward model stays the caller's
 * ```
 */
export class MceIrlTrainer<R extends RewardModel = RewardModel> {
  readonly config: ResolvedMceIrlConfig;
  readonly algorithmName: string;
  readonly mdp: TabularMdp;
  readonly rewardModel: R;
  /** H and γ: the config's, else the MDP's. */
  readonly horizon: number;
  readonly discount: number;
  /** μ_D `[S]`. */
  readonly expertOccupancy: Float64Array;
  /** What the reward model observes in each state. */
  readonly stateObservations: Float32Array;
  readonly #metricSink: MetricSink;
  readonly #stateBatch: RewardInput;
  readonly #stateTensors: RewardTensors;
  #optimizer: Adam;
  #iteration: number;
  #converged: boolean;
  #occupancyLinf: number;
  #gradientNorm: number;
  /** r_ψ(s) of the current parameters, known to be finite; undefined until computed. */
  #rewards: Float64Array | undefined;
  #disposed: boolean;
  /**
   * The planners' memory, reused by every iteration's backward and forward pass (the step needs
   * only the occupancy; 134 MB of policy on a 128×128 grid with H = 256 is not re-allocated).
   */
  #workspace: PlannerWorkspace | undefined;

  constructor(options: MceIrlTrainerOptions<R>) {
    const algorithm = options.algorithmName ?? "mceIrl";
    const { mdp, rewardModel } = options;
    this.algorithmName = algorithm;
    this.config = resolveMceIrlConfig(options.config, algorithm);
    this.mdp = mdp;
    this.rewardModel = rewardModel;
    this.horizon = resolveHorizon(mdp, this.config.horizon ?? undefined, `${algorithm}: horizon`);
    this.discount = resolveDiscount(
      mdp,
      this.config.discount ?? undefined,
      `${algorithm}: discount`,
    );
    const { inputs } = rewardModel;
    if (!inputs.observation || inputs.action || inputs.nextObservation || inputs.done) {
      throw new ValidationError(
        `${algorithm}: rewardModel.inputs`,
        "a state reward r(s) reading observations only",
        JSON.stringify(inputs),
      );
    }
    this.expertOccupancy = resolveExpertOccupancy(options, algorithm, this.horizon, this.discount);
    this.stateObservations = resolveStateObservations(
      mdp,
      rewardModel,
      options.stateObservations,
      algorithm,
    );
    this.#metricSink = options.metricSink ?? nullMetricSink;
    this.#iteration = 0;
    this.#converged = false;
    this.#occupancyLinf = Number.POSITIVE_INFINITY;
    this.#gradientNorm = Number.POSITIVE_INFINITY;
    this.#rewards = undefined;
    this.#disposed = false;

    // The batch of all states, as tensors, built once: the reward model reads only observations.
    const S = mdp.stateCount;
    const actions =
      rewardModel.actionSpace.kind === "Box"
        ? new Float32Array(S * rewardModel.actionSpace.flatSize)
        : new Int32Array(S * rewardModel.actionSpace.flatSize);
    this.#stateBatch = {
      observations: this.stateObservations,
      actions,
      nextObservations: this.stateObservations,
      dones: new Uint8Array(S),
    };
    this.#stateTensors = rewardTensors(
      this.#stateBatch,
      rewardModel.observationSpace,
      rewardModel.actionSpace,
    );
    this.#optimizer = this.#newOptimizer();
  }

  /** Gradient steps taken. */
  get iteration(): number {
    return this.#iteration;
  }

  /** Both stopping tests held at the last check. */
  get converged(): boolean {
    return this.#converged;
  }

  // ─── 3. The round ───────────────────────────────────────────────────────────────────────────

  /**
   * One iteration: rewards → backward pass → occupancy → gradient, then one Adam step — unless both
   * stopping tests hold, when it sets `converged` and takes no step. Returns (and every
   * `logInterval` iterations logs) `irl/occupancyLinf`, `irl/occupancyL1`, `irl/gradientNorm` and
   * `irl/loss`, measured before the step.
   *
   * Divergence: a non-finite gradient norm throws `TrainingDivergedError` before anything is
   * applied; a step that makes a state reward non-finite is undone (the parameters from before it
   * are restored) and throws too. Either way the reward model keeps its last good parameters.
   */
  trainRound(): Metrics {
    this.#assertLive("trainRound");
    const algorithm = this.algorithmName;
    const iteration = this.#iteration;
    const { weightDecay } = this.config;
    const variables = this.rewardModel.trainableVariables;
    const S = this.mdp.stateCount;

    // 1. Rewards of every state under the current ψ (checked finite when computed).
    const rewards = this.#rewards ?? this.#checkedRewards(iteration, "");
    this.#rewards = rewards;

    // 2–3. Backward and forward passes: the learner's occupancy under r_ψ.
    this.#workspace ??= new PlannerWorkspace();
    const occupancy = this.#occupancy(rewards, this.#workspace);
    const difference = new Float32Array(S);
    let occupancyLinf = 0;
    for (let s = 0; s < S; s++) {
      difference[s] = occupancy[s]! - this.expertOccupancy[s]!;
      occupancyLinf = Math.max(occupancyLinf, Math.abs(difference[s]!));
    }

    // 4. ∇_ψ L = Σ_s (μ_π − μ_D)(s) ∇_ψ r_ψ(s) (+ 2λψ).
    const { values, gradients } = computeGradients(variables, () => {
      const weights = tf.tensor1d(difference);
      let loss = tf.sum(tf.mul(weights, this.rewardModel.predict(this.#stateTensors)));
      if (weightDecay > 0) {
        for (const variable of variables)
          loss = tf.add(loss, tf.mul(weightDecay, tf.sum(tf.square(variable))));
      }
      return { loss: loss as tf.Scalar, statistics: [] };
    });
    const gradientNorm = globalNorm(gradients);
    const loss = values[0]!;
    const metrics: Metrics = Object.freeze({
      "irl/occupancyLinf": occupancyLinf,
      "irl/occupancyL1": difference.reduce((total, d) => total + Math.abs(d), 0),
      "irl/gradientNorm": gradientNorm,
      "irl/loss": loss,
    });
    if (iteration % this.config.logInterval === 0) this.#metricSink.log(iteration, metrics);

    if (
      occupancyLinf < this.config.occupancyTolerance &&
      gradientNorm < this.config.gradientTolerance
    ) {
      this.#record(occupancyLinf, gradientNorm);
      this.#converged = true;
      return metrics;
    }
    if (!Number.isFinite(gradientNorm)) {
      throw new TrainingDivergedError(
        algorithm,
        iteration,
        iteration - 1,
        `the gradient norm is ${gradientNorm}`,
      );
    }

    // 5. The Adam step; the parameters from before it are kept until its rewards prove finite.
    const before = readParameters(variables);
    this.#optimizer.step(gradients);
    try {
      this.#rewards = this.#checkedRewards(iteration, " after this iteration's step");
    } catch (error) {
      writeParameters(variables, before);
      throw error;
    }
    this.#iteration++;
    this.#record(occupancyLinf, gradientNorm);
    this.#converged = false;
    return metrics;
  }

  // ─── 4. Train loop ──────────────────────────────────────────────────────────────────────────

  /**
   * Runs up to `rounds` more iterations (default: the rest of the `maxIterations` budget), never
   * past the budget, stopping early once converged. `onRound` sees each round's metrics; returning
   * `false` stops training.
   */
  train(
    rounds = Math.max(0, this.config.maxIterations - this.#iteration),
    onRound?: (metrics: Metrics, trainer: this) => boolean | undefined,
  ): void {
    if (!Number.isSafeInteger(rounds) || rounds < 0) {
      throw new ValidationError(
        `${this.algorithmName}.train rounds`,
        "an integer >= 0",
        describeValue(rounds),
      );
    }
    for (let round = 0; round < rounds; round++) {
      if (this.#converged || this.#iteration >= this.config.maxIterations) return;
      const metrics = this.trainRound();
      if (onRound?.(metrics, this) === false) return;
    }
  }

  /** The current reward with its soft-optimal policy and occupancy (see `MceIrlResult`). */
  result(): MceIrlResult {
    this.#assertLive("result");
    const stateRewards = Float64Array.from(this.rewardModel.reward(this.#stateBatch));
    const { policy, occupancy } = this.#plan(stateRewards);
    return {
      iterations: this.#iteration,
      converged: this.#converged,
      stateRewards,
      policy,
      learnerOccupancy: occupancy,
      expertOccupancy: Float64Array.from(this.expertOccupancy),
      occupancyLinf: this.#occupancyLinf,
      gradientNorm: this.#gradientNorm,
    };
  }

  // ─── 5. Checkpoints ─────────────────────────────────────────────────────────────────────────

  /** The resumable state (see `MceIrlTrainerState`): copies, safe to keep and serialise. */
  async saveState(): Promise<MceIrlTrainerState> {
    this.#assertLive("saveState");
    const finiteOrNull = (value: number) => (Number.isFinite(value) ? value : null);
    return {
      iteration: this.#iteration,
      converged: this.#converged,
      occupancyLinf: finiteOrNull(this.#occupancyLinf),
      gradientNorm: finiteOrNull(this.#gradientNorm),
      rewardParameters: readParameters(this.rewardModel.trainableVariables),
      optimizer: this.#optimizer.saveState(),
    };
  }

  /**
   * Restores a `saveState()` snapshot into this trainer (same MDP, reward architecture and
   * config). Everything is checked before anything changes: a snapshot for another model throws
   * `ValidationError` and leaves the trainer as it was.
   */
  async loadState(state: MceIrlTrainerState): Promise<void> {
    this.#assertLive("loadState");
    const variables = this.rewardModel.trainableVariables;
    if (!Number.isSafeInteger(state.iteration) || state.iteration < 0) {
      throw new ValidationError("iteration", "an integer >= 0", describeValue(state.iteration));
    }
    if (typeof state.converged !== "boolean") {
      throw new ValidationError("converged", "true or false", describeValue(state.converged));
    }
    for (const key of ["occupancyLinf", "gradientNorm"] as const) {
      const value = state[key];
      if (value !== null && !(typeof value === "number" && value >= 0 && Number.isFinite(value))) {
        throw new ValidationError(key, "a finite number >= 0, or null", describeValue(value));
      }
    }
    checkParameters(state.rewardParameters, variables, "rewardParameters");
    const optimizer = this.#newOptimizer();
    if ((state.optimizer ?? null) !== null) optimizer.loadState(state.optimizer!, "optimizer");
    // Checked: commit.
    writeParameters(variables, state.rewardParameters, "rewardParameters");
    this.#optimizer = optimizer;
    this.#iteration = state.iteration;
    this.#converged = state.converged;
    this.#occupancyLinf = state.occupancyLinf ?? Number.POSITIVE_INFINITY;
    this.#gradientNorm = state.gradientNorm ?? Number.POSITIVE_INFINITY;
    this.#rewards = undefined;
  }

  /** Frees the state tensors; the reward model stays the caller's. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#workspace = undefined;
    disposeRewardTensors(this.#stateTensors);
  }

  // ─── Helpers ────────────────────────────────────────────────────────────────────────────────

  /** Adam with β₁ 0.9, β₂ 0.999 and ε 1e-7 (`tf.train.adam`'s on cpu and wasm, which it had). */
  #newOptimizer(): Adam {
    return new Adam(this.rewardModel.trainableVariables, {
      learningRate: this.config.learningRate,
      epsilon: 1e-7,
    });
  }

  /**
   * An iteration's backward and forward passes in the trainer's workspace: the occupancy alone.
   * The causal pass plans only the (t, s) the initial distribution reaches
   * (`maxCausalEntropyOccupancy`: the same numbers as `#plan`, bit for bit).
   */
  #occupancy(rewards: Float64Array, workspace: PlannerWorkspace): Float64Array {
    const { mdp, horizon, discount } = this;
    if (this.config.backwardPass === "causal") {
      return maxCausalEntropyOccupancy(mdp, rewards, { horizon, discount, workspace }).total;
    }
    return this.#plan(rewards, workspace).occupancy;
  }

  /**
   * The backward and forward passes with the policy. With the workspace the policy is a view of
   * it, valid until the next call; `result()` plans without one.
   */
  #plan(
    rewards: Float64Array,
    workspace?: PlannerWorkspace,
  ): { policy: Float64Array; occupancy: Float64Array } {
    const { mdp, horizon, discount } = this;
    const { policy } =
      this.config.backwardPass === "causal"
        ? softValueIteration(mdp, rewards, {
            horizon,
            discount,
            keepQValues: false,
            ...(workspace === undefined ? {} : { workspace }),
          })
        : maxEntPartition(mdp, rewards, { horizon });
    const occupancy = occupancyMeasure(mdp, policy, {
      horizon,
      discount,
      ...(workspace === undefined ? {} : { workspace }),
    });
    return { policy, occupancy: occupancy.total };
  }

  /** r_ψ(s) of every state; a non-finite one throws `TrainingDivergedError` at `iteration`. */
  #checkedRewards(iteration: number, when: string): Float64Array {
    const rewards = Float64Array.from(this.rewardModel.reward(this.#stateBatch));
    const bad = rewards.findIndex((r) => !Number.isFinite(r));
    if (bad >= 0) {
      throw new TrainingDivergedError(
        this.algorithmName,
        iteration,
        iteration - 1,
        `r_ψ(state ${bad}) = ${rewards[bad]}${when}`,
      );
    }
    return rewards;
  }

  #record(occupancyLinf: number, gradientNorm: number): void {
    this.#occupancyLinf = occupancyLinf;
    this.#gradientNorm = gradientNorm;
  }

  #assertLive(method: string): void {
    if (this.#disposed) {
      throw new Error(`${this.algorithmName} trainer: ${method} was called after dispose().`);
    }
  }
}

// ─── 6. The function: a trainer run to the end ─────────────────────────────────────────────────

/** `mceIrl`'s argument: the trainer's collaborators and its hyperparameters in one object. */
export type MceIrlOptions = Omit<MceIrlTrainerOptions, "config"> & MceIrlConfig;

/** Trains an `MceIrlTrainer` to the end of its budget (or convergence) and returns its result. */
export function mceIrl(options: MceIrlOptions): MceIrlResult {
  const inputs = [...TABULAR_INPUT_KEYS, "rewardModel", "stateObservations"] as const;
  return trainToEnd(new MceIrlTrainer(splitConfig(options, inputs)), false);
}

/** The keys of `TabularIrlInputs`: what a flat options object holds besides the settings. */
export const TABULAR_INPUT_KEYS = [
  "mdp",
  "demonstrations",
  "expertOccupancy",
  "metricSink",
  "algorithmName",
] as const satisfies readonly (keyof TabularIrlInputs)[];

/**
 * A flat options object as trainer options: the `inputs` keys as they are, every other key in
 * `config` (where the spec rejects what it does not know).
 */
export function splitConfig<O extends object, K extends keyof O>(
  options: O,
  inputs: readonly K[],
): Pick<O, K> & { config: Omit<O, K> } {
  const picked: Record<string, unknown> = {};
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if ((inputs as readonly PropertyKey[]).includes(key)) picked[key] = value;
    else config[key] = value;
  }
  return { ...picked, config } as Pick<O, K> & { config: Omit<O, K> };
}

/**
 * Runs `trainer.train()` and returns `trainer.result()`, disposing the trainer; on an error also
 * the reward model when `ownsRewardModel` (the trainer built it for the caller).
 */
export function trainToEnd<Result>(
  trainer: { train(): void; result(): Result; dispose(): void; readonly rewardModel: RewardModel },
  ownsRewardModel: boolean,
): Result {
  try {
    trainer.train();
    return trainer.result();
  } catch (error) {
    if (ownsRewardModel) trainer.rewardModel.dispose();
    throw error;
  } finally {
    trainer.dispose();
  }
}
