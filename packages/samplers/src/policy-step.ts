import {
  type ActionBatch,
  type ActOptions,
  describeValue,
  isStochasticPolicy,
  type Policy,
  type Rng,
  ValidationError,
} from "@irlkit/core";

/** What a policy reports about one batched draw: what samplers record beside the actions. */
export interface PolicyStep {
  /**
   * The actions drawn, as the policy's log-probabilities refer to them (for a Gaussian policy the
   * unclipped sample). `Int32Array [N]` for `Discrete`, `Float32Array [N * actionSize]` for `Box`.
   */
  actions: ActionBatch;
  /**
   * The actions to send to the environment when they differ from `actions` (clipped to the `Box`
   * bounds, as Stable-Baselines3 does before `env.step`). @default actions
   */
  envActions?: ActionBatch;
  /** log π(aᵢ | sᵢ) of `actions`, `Float32Array [N]`, when the policy knows it. */
  logProbs?: Float32Array;
  /** The critic's V(sᵢ), `Float32Array [N]`, when the policy has one. */
  values?: Float32Array;
}

/**
 * A policy that can return its log-probabilities (and optionally its value estimates) with the
 * actions in one call, so a sampler needs no second forward pass. `@irlkit/rl`'s
 * `DifferentiablePolicy.sample` has this shape.
 */
export interface SamplingPolicy extends Policy {
  sample(
    observations: Float32Array,
    rng: Rng,
    options?: ActOptions,
  ): PolicyStep | Promise<PolicyStep>;
}

/** A critic evaluated on a batch of observations: V(sᵢ) as `Float32Array [N]` (may be async). */
export type ValueFunction = (observations: Float32Array) => Float32Array | Promise<Float32Array>;

/** True when `policy` has a `sample` method (see `SamplingPolicy`). */
export function isSamplingPolicy(policy: Policy): policy is SamplingPolicy {
  return typeof (policy as Partial<SamplingPolicy>).sample === "function";
}

/**
 * Draws actions for `count` observations and collects what the policy can tell about them: a
 * `SamplingPolicy` is asked once; a `StochasticPolicy` acts, then evaluates `logProb` on its own
 * actions (when `withLogProbs`); any other policy just acts. Results are checked for size and type
 * so a misbehaving policy fails here, naming itself, rather than deep inside an environment.
 */
export async function drawPolicyStep(
  policy: Policy,
  observations: Float32Array,
  count: number,
  rng: Rng,
  options: { deterministic?: boolean; withLogProbs?: boolean } = {},
): Promise<PolicyStep> {
  const actOptions: ActOptions = options.deterministic ? { deterministic: true } : {};
  let step: PolicyStep;
  if (isSamplingPolicy(policy)) {
    step = await policy.sample(observations, rng, actOptions);
    if (typeof step !== "object" || step === null) {
      throw new ValidationError(
        "policy.sample()",
        "a { actions, logProbs? } object",
        describeValue(step),
      );
    }
  } else {
    step = { actions: await policy.act(observations, rng, actOptions) };
    if ((options.withLogProbs ?? true) && isStochasticPolicy(policy)) {
      step.logProbs = await policy.logProb(observations, step.actions);
    }
  }
  const actionSize = policy.actionSpace.flatSize;
  checkActions(step.actions, policy, count * actionSize, "actions");
  if (step.envActions !== undefined) {
    checkActions(step.envActions, policy, count * actionSize, "envActions");
  }
  if (step.logProbs !== undefined) checkRowValues(step.logProbs, count, "logProbs");
  if (step.values !== undefined) checkRowValues(step.values, count, "values");
  return step;
}

function checkActions(actions: unknown, policy: Policy, length: number, field: string): void {
  const wantInt = policy.actionSpace.kind !== "Box";
  const ok = wantInt ? actions instanceof Int32Array : actions instanceof Float32Array;
  if (!ok || (actions as ActionBatch).length !== length) {
    throw new ValidationError(
      `policy ${field}`,
      `${wantInt ? "an Int32Array" : "a Float32Array"} of ${length} numbers for a ${policy.actionSpace.kind} action space`,
      describeValue(actions),
    );
  }
}

function checkRowValues(values: unknown, count: number, field: string): void {
  if (!(values instanceof Float32Array) || values.length !== count) {
    throw new ValidationError(
      `policy ${field}`,
      `a Float32Array of ${count} numbers (one per observation)`,
      describeValue(values),
    );
  }
}
