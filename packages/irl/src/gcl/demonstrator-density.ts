/**
 * Detail 5: a density model π̂_D of the demonstrator for GCL's background distribution (Finn et al.
 * 2016, sec. 4: the demonstrations join the background and every background segment is weighted by
 * the fused density z = α_D π̂_D + Σ_k α_k q_k, which needs an estimate of the demonstrations'
 * density). The paper gets π̂_D from its controller fit; here it is behaviour cloning on the
 * demonstrations, mixed with a uniform density over the action space:
 *
 *     π̂_D(a | s) = (1 − ε) π_BC(a | s) + ε · uniform(a)
 *
 * The floor ε keeps π̂_D a proper density everywhere: a BC policy fitted to a deterministic expert
 * is almost a point mass, so without it log π̂_D(τ) of a sample segment would be −∞ in practice and
 * of a demonstration segment ≈ 0 — the fused density would then be the policy mixture on samples
 * and a huge number on demonstrations, and one of the two would carry all the weight.
 */
import {
  type ActionBatch,
  type ActOptions,
  describeValue,
  type Rng,
  type Space,
  type StochasticPolicy,
  type Trajectory,
  Transitions,
  ValidationError,
} from "@irlkit/core";
import { type BcConfig, BehaviourCloning } from "@irlkit/rl";

/** log of the uniform density over `space` (Discrete: 1/n; Box: 1/volume, finite bounds only). */
function uniformLogDensity(space: Space): number {
  if (space.kind === "Discrete") return -Math.log(space.n);
  if (space.kind === "Box") {
    let total = 0;
    for (let i = 0; i < space.flatSize; i++) {
      const width = space.high[i]! - space.low[i]!;
      if (!Number.isFinite(width) || width <= 0) {
        throw new ValidationError(
          "demonstrator density action space",
          "a Box with finite bounds (the floor is a uniform density over it)",
          space.describe(),
        );
      }
      total -= Math.log(width);
    }
    return total;
  }
  throw new ValidationError(
    "demonstrator density action space",
    "a Discrete or Box space",
    space.describe(),
  );
}

/** (1 − ε) π(a | s) + ε · uniform(a) in log space: a policy density with a floor. */
export class FlooredPolicyDensity implements StochasticPolicy {
  readonly floor: number;
  readonly #uniform: number;

  readonly #release: (() => void) | undefined;

  /** `release` frees what the density owns (e.g. the BC trainer and its policy) on `dispose()`. */
  constructor(
    readonly policy: StochasticPolicy,
    floor: number,
    release?: () => void,
  ) {
    this.#release = release;
    if (!(floor > 0 && floor < 1)) {
      throw new ValidationError(
        "FlooredPolicyDensity floor",
        "a number in (0, 1)",
        describeValue(floor),
      );
    }
    this.floor = floor;
    this.#uniform = uniformLogDensity(policy.actionSpace);
  }

  get observationSpace(): Space {
    return this.policy.observationSpace;
  }

  get actionSpace(): Space {
    return this.policy.actionSpace;
  }

  act(
    observations: Float32Array,
    rng: Rng,
    options?: ActOptions,
  ): ActionBatch | Promise<ActionBatch> {
    return this.policy.act(observations, rng, options);
  }

  async logProb(observations: Float32Array, actions: ActionBatch): Promise<Float32Array> {
    const logProbs = await this.policy.logProb(observations, actions);
    const a = Math.log(1 - this.floor);
    const b = Math.log(this.floor) + this.#uniform;
    return Float32Array.from(logProbs, (lp) => {
      const x = a + lp;
      const high = Math.max(x, b);
      return high + Math.log(Math.exp(x - high) + Math.exp(b - high));
    });
  }

  /** Frees what was handed over at construction; the wrapped policy otherwise stays the caller's. */
  dispose(): void {
    this.#release?.();
  }

  /** The wrapped policy's entropy (the floor's contribution is not included). */
  entropy(observations: Float32Array): Float32Array | Promise<Float32Array> {
    return this.policy.entropy(observations);
  }
}

export interface DemonstratorDensityOptions {
  /** Seeds BC's initial weights and minibatch order. */
  seed: number;
  /** Whole BC epochs over the demonstration transitions. @default 50 */
  epochs?: number;
  /** ε, the uniform share of the density. @default 0.05 */
  floor?: number;
  /** BC hyperparameters (imitation's defaults otherwise). */
  bc?: BcConfig;
  /**
   * The BC policy's parameters from an earlier fit (`density.policy.getParameters()`, e.g. from a
   * checkpoint): loaded instead of training, so the density is that fit's exactly.
   */
  parameters?: readonly Float32Array[];
}

/**
 * Fits π̂_D by behaviour cloning on the demonstrations and floors it (see the module comment), or
 * rebuilds an earlier fit from its `parameters`. The returned density owns the BC policy:
 * `dispose()` frees it.
 */
export async function fitDemonstratorDensity(
  demonstrations: readonly Trajectory[],
  options: DemonstratorDensityOptions,
): Promise<FlooredPolicyDensity> {
  const bc = new BehaviourCloning({
    demonstrations: Transitions.fromTrajectories(demonstrations),
    seed: options.seed,
    ...(options.bc === undefined ? {} : { config: options.bc }),
  });
  if (options.parameters === undefined) {
    await bc.train({ epochs: options.epochs ?? 50 });
  } else {
    try {
      bc.policy.setParameters(options.parameters);
    } catch (error) {
      bc.dispose();
      throw error;
    }
  }
  return new FlooredPolicyDensity(bc.policy, options.floor ?? 0.05, () => bc.dispose());
}
