/**
 * Maximum causal entropy IRL with known tabular dynamics (Ziebart, Bagnell, Dey 2010), finite
 * horizon, for any differentiable state reward r_ψ(s) — the loop of imitation's `MCEIRL`:
 *
 *     repeat
 *       r      ← r_ψ(s) for every state                      (one batched forward pass)
 *       π      ← soft value iteration on r                    (backward pass, exact log Z)
 *       μ_π    ← state occupancy of π                         (forward pass)
 *       ∇_ψ L  = Σ_s (μ_π(s) − μ_D(s)) ∇_ψ r_ψ(s)             (negative log-likelihood gradient)
 *       ψ      ← Adam step on ∇_ψ L (+ optional L2 weight decay)
 *     until ‖μ_π − μ_D‖∞ < occupancyTolerance and ‖∇_ψ L‖₂ < gradientTolerance
 *
 * The negative log-likelihood of the demonstrations is L(ψ) = −Σ_s μ_D(s) r_ψ(s) + log Z(ψ), and
 * ∂ log Z / ∂r(s) = μ_π(s), which is why only the two occupancies are needed. `maxEntIrl` and
 * `deepMaxEntIrl` are this loop with other defaults (see their files).
 */
import {
  type MetricSink,
  nullMetricSink,
  TrainingDivergedError,
  type Trajectory,
  ValidationError,
} from "@irlkit/core";
import type { TabularMdp } from "@irlkit/envs";
import { tf } from "@irlkit/nn";
import { disposeRewardTensors, type RewardModel, rewardTensors } from "@irlkit/rewards";
import {
  maxEntPartition,
  occupancyMeasure,
  resolveDiscount,
  resolveHorizon,
  softValueIteration,
} from "@irlkit/rl";
import { demonstrationOccupancy } from "./demonstration-occupancy.js";

// ------------------------------------------------------------------------------------------------
// Config

export interface MceIrlConfig {
  /** The known dynamics. */
  mdp: TabularMdp;
  /** A state reward model r_ψ(s) (it must read observations only). */
  rewardModel: RewardModel;
  /** Expert demonstrations with state-index observations; or give `expertOccupancy`. */
  demonstrations?: readonly Trajectory[];
  /** The expert's total occupancy μ_D `[S]` (Σ_{t=0..H} γ^t D_t), instead of demonstrations. */
  expertOccupancy?: ArrayLike<number>;
  /**
   * What the reward model observes in each state, `Float32Array [S * observationSize]`.
   * @default the state index when the model's observation space is Discrete; the MDP's feature
   * matrix when it is a Box with `featureCount` entries
   */
  stateObservations?: Float32Array;
  /** Horizon H. @default the MDP's horizon */
  horizon?: number;
  /** γ. @default the MDP's discount (imitation's MCEIRL default is 1) */
  discount?: number;
  /** Adam learning rate. @default 1e-2 (imitation's MCEIRL) */
  learningRate?: number;
  /** L2 penalty λ Σ‖ψ‖² added to the loss (Wulfmeier et al. use weight decay). @default 0 */
  weightDecay?: number;
  /** Iteration budget. @default 1000 */
  maxIterations?: number;
  /** Stop when ‖μ_π − μ_D‖∞ is below this (and the gradient test holds). @default 1e-3 (imitation's linf_eps) */
  occupancyTolerance?: number;
  /** Stop when ‖∇_ψ L‖₂ is below this (and the occupancy test holds). @default 1e-4 (imitation's grad_l2_eps) */
  gradientTolerance?: number;
  /**
   * `"causal"`: maximum causal entropy (soft value iteration, Ziebart 2010). `"maxent"`: the 2008
   * MaxEnt backward pass (`maxEntPartition`), which differs under stochastic dynamics.
   * @default "causal"
   */
  backwardPass?: "causal" | "maxent";
  /** Receives `irl/*` metrics every `logInterval` iterations. @default a sink that drops them */
  metricSink?: MetricSink;
  /** @default 1 */
  logInterval?: number;
  /** Name used in errors and divergence messages. @default "mceIrl" */
  algorithmName?: string;
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

export function resolveMceIrlConfig(config: MceIrlConfig) {
  const { mdp, rewardModel } = config;
  const algorithm = config.algorithmName ?? "mceIrl";
  const horizon = resolveHorizon(mdp, config.horizon, `${algorithm}: horizon`);
  const discount = resolveDiscount(mdp, config.discount, `${algorithm}: discount`);
  const { inputs } = rewardModel;
  if (!inputs.observation || inputs.action || inputs.nextObservation || inputs.done) {
    throw new ValidationError(
      `${algorithm}: rewardModel.inputs`,
      "a state reward r(s) reading observations only",
      JSON.stringify(inputs),
    );
  }
  const positive = (
    key: string,
    value: number | undefined,
    fallback: number,
    integer = false,
  ): number => {
    const resolved = value ?? fallback;
    if (!(resolved > 0) || !Number.isFinite(resolved) || (integer && !Number.isInteger(resolved))) {
      throw new ValidationError(
        `${algorithm}: ${key}`,
        integer ? "a positive integer" : "a positive number",
        String(resolved),
      );
    }
    return resolved;
  };
  const weightDecay = config.weightDecay ?? 0;
  if (!(weightDecay >= 0))
    throw new ValidationError(`${algorithm}: weightDecay`, "a number >= 0", String(weightDecay));
  const backwardPass = config.backwardPass ?? "causal";
  if (backwardPass !== "causal" && backwardPass !== "maxent") {
    throw new ValidationError(
      `${algorithm}: backwardPass`,
      '"causal" or "maxent"',
      JSON.stringify(backwardPass),
    );
  }
  return {
    algorithm,
    horizon,
    discount,
    learningRate: positive("learningRate", config.learningRate, 1e-2),
    weightDecay,
    maxIterations: positive("maxIterations", config.maxIterations, 1000, true),
    occupancyTolerance: positive("occupancyTolerance", config.occupancyTolerance, 1e-3),
    gradientTolerance: positive("gradientTolerance", config.gradientTolerance, 1e-4),
    logInterval: positive("logInterval", config.logInterval, 1, true),
    backwardPass,
    metricSink: config.metricSink ?? nullMetricSink,
    expertOccupancy: resolveExpertOccupancy(config, algorithm, horizon, discount),
    stateObservations: resolveStateObservations(config, algorithm),
  };
}

// ------------------------------------------------------------------------------------------------
// Training loop

export function mceIrl(config: MceIrlConfig): MceIrlResult {
  const settings = resolveMceIrlConfig(config);
  const { mdp, rewardModel } = config;
  const { algorithm, horizon, discount, expertOccupancy, metricSink } = settings;
  const S = mdp.stateCount;

  // The batch of all states, as tensors, built once: the reward model reads only observations.
  const actionRows =
    rewardModel.actionSpace.kind === "Box"
      ? new Float32Array(S * rewardModel.actionSpace.flatSize)
      : new Int32Array(S * rewardModel.actionSpace.flatSize);
  const stateBatch = {
    observations: settings.stateObservations,
    actions: actionRows,
    nextObservations: settings.stateObservations,
    dones: new Uint8Array(S),
  };
  const stateTensors = rewardTensors(
    stateBatch,
    rewardModel.observationSpace,
    rewardModel.actionSpace,
  );
  const optimizer = tf.train.adam(settings.learningRate);
  const variables = rewardModel.trainableVariables;
  let lastGood = variables.map((v) => tf.keep(v.clone()));

  const plan = (rewards: Float64Array) => {
    const { policy } =
      settings.backwardPass === "causal"
        ? softValueIteration(mdp, rewards, { horizon, discount, keepQValues: false })
        : maxEntPartition(mdp, rewards, { horizon });
    return { policy, occupancy: occupancyMeasure(mdp, policy, { horizon, discount }).total };
  };

  let iteration = 0;
  let converged = false;
  let occupancyLinf = Number.POSITIVE_INFINITY;
  let gradientNorm = Number.POSITIVE_INFINITY;
  try {
    for (; iteration < settings.maxIterations; iteration++) {
      // 1. Rewards of every state under the current ψ; stop on non-finite values.
      const rewards = Float64Array.from(rewardModel.reward(stateBatch));
      const bad = rewards.findIndex((r) => !Number.isFinite(r));
      if (bad >= 0) {
        restore(variables, lastGood);
        throw new TrainingDivergedError(
          algorithm,
          iteration,
          iteration - 1,
          `r_ψ(state ${bad}) = ${rewards[bad]}`,
        );
      }

      // 2–3. Backward and forward passes: the learner's occupancy under r_ψ.
      const { occupancy } = plan(rewards);
      const difference = new Float32Array(S);
      occupancyLinf = 0;
      for (let s = 0; s < S; s++) {
        difference[s] = occupancy[s]! - expertOccupancy[s]!;
        occupancyLinf = Math.max(occupancyLinf, Math.abs(difference[s]!));
      }

      // 4. ∇_ψ L = Σ_s (μ_π − μ_D)(s) ∇_ψ r_ψ(s) (+ 2λψ), then an Adam step.
      const { value, grads } = tf.variableGrads(
        () =>
          tf.tidy(() => {
            const weights = tf.tensor1d(difference);
            let loss = tf.sum(tf.mul(weights, rewardModel.predict(stateTensors)));
            if (settings.weightDecay > 0) {
              for (const variable of variables)
                loss = tf.add(loss, tf.mul(settings.weightDecay, tf.sum(tf.square(variable))));
            }
            return loss as tf.Scalar;
          }),
        variables,
      );
      gradientNorm = Math.sqrt(
        Object.values(grads).reduce(
          (total, gradient) => total + tf.tidy(() => tf.sum(tf.square(gradient)).dataSync()[0]!),
          0,
        ),
      );
      const lossValue = value.dataSync()[0]!;
      value.dispose();

      if (iteration % settings.logInterval === 0) {
        metricSink.log(iteration, {
          "irl/occupancyLinf": occupancyLinf,
          "irl/occupancyL1": difference.reduce((total, d) => total + Math.abs(d), 0),
          "irl/gradientNorm": gradientNorm,
          "irl/loss": lossValue,
        });
      }
      if (
        occupancyLinf < settings.occupancyTolerance &&
        gradientNorm < settings.gradientTolerance
      ) {
        tf.dispose(grads);
        converged = true;
        break;
      }
      if (!Number.isFinite(gradientNorm)) {
        tf.dispose(grads);
        restore(variables, lastGood);
        throw new TrainingDivergedError(
          algorithm,
          iteration,
          iteration - 1,
          `the gradient norm is ${gradientNorm}`,
        );
      }
      tf.dispose(lastGood);
      lastGood = variables.map((v) => tf.keep(v.clone()));
      optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      tf.dispose(grads);
    }

    // The policy and occupancy of the final reward, for the caller.
    const stateRewards = Float64Array.from(rewardModel.reward(stateBatch));
    const { policy, occupancy } = plan(stateRewards);
    return {
      iterations: iteration,
      converged,
      stateRewards,
      policy,
      learnerOccupancy: occupancy,
      expertOccupancy,
      occupancyLinf,
      gradientNorm,
    };
  } finally {
    tf.dispose(lastGood);
    optimizer.dispose();
    disposeRewardTensors(stateTensors);
  }
}

function restore(variables: tf.Variable[], saved: tf.Tensor[]): void {
  variables.forEach((variable, i) => {
    variable.assign(saved[i]!);
  });
}

// ------------------------------------------------------------------------------------------------
// Inputs

function resolveExpertOccupancy(
  config: MceIrlConfig,
  algorithm: string,
  horizon: number,
  discount: number,
): Float64Array {
  const S = config.mdp.stateCount;
  if ((config.demonstrations === undefined) === (config.expertOccupancy === undefined)) {
    throw new ValidationError(
      `${algorithm}: demonstrations / expertOccupancy`,
      "exactly one of the two",
      config.demonstrations === undefined ? "neither" : "both",
    );
  }
  if (config.demonstrations !== undefined) {
    try {
      return demonstrationOccupancy(config.demonstrations, { stateCount: S, discount, horizon });
    } catch (error) {
      if (error instanceof ValidationError) {
        throw new ValidationError(`${algorithm}: ${error.field}`, error.expected, error.found);
      }
      throw error;
    }
  }
  const given = config.expertOccupancy!;
  if (given.length !== S) {
    throw new ValidationError(
      `${algorithm}: expertOccupancy`,
      `${S} numbers (one per state)`,
      `${given.length}`,
    );
  }
  const occupancy = Float64Array.from(given);
  const bad = occupancy.findIndex((x) => !(x >= 0) || !Number.isFinite(x));
  if (bad >= 0) {
    throw new ValidationError(
      `${algorithm}: expertOccupancy[${bad}]`,
      "a finite number >= 0",
      String(occupancy[bad]),
    );
  }
  return occupancy;
}

function resolveStateObservations(config: MceIrlConfig, algorithm: string): Float32Array {
  const { mdp, rewardModel } = config;
  const S = mdp.stateCount;
  const space = rewardModel.observationSpace;
  if (config.stateObservations !== undefined) {
    if (config.stateObservations.length !== S * space.flatSize) {
      throw new ValidationError(
        `${algorithm}: stateObservations`,
        `${S * space.flatSize} numbers (${S} states × observation size ${space.flatSize})`,
        `${config.stateObservations.length}`,
      );
    }
    return config.stateObservations;
  }
  if (space.kind === "Discrete") {
    if (space.n !== S || space.start !== 0) {
      throw new ValidationError(
        `${algorithm}: rewardModel.observationSpace`,
        `Discrete(${S}) (one index per state)`,
        space.describe(),
      );
    }
    return Float32Array.from({ length: S }, (_, s) => s);
  }
  if (space.kind === "Box" && mdp.features !== undefined && space.flatSize === mdp.featureCount) {
    return Float32Array.from(mdp.features);
  }
  throw new ValidationError(
    `${algorithm}: stateObservations`,
    `observations for every state: pass stateObservations, or use a reward model over Discrete(${S}) states or over the MDP's ${mdp.featureCount} features`,
    `a reward model observing ${space.describe()}`,
  );
}
