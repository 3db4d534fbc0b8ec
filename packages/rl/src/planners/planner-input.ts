import { describeValue, ValidationError } from "@irlkit/core";
import type { TabularMdp } from "@irlkit/envs";

/**
 * A reward for the planners: `[S]` (r(s), collected for the state being left — imitation's
 * convention) or `[S * A]` (r(s, a)). Validated once, then read as `stateAction ? r[s*A + a] : r[s]`.
 */
export interface PlannerReward {
  values: Float64Array;
  stateAction: boolean;
}

export function resolveReward(
  mdp: TabularMdp,
  reward: ArrayLike<number>,
  field = "reward",
): PlannerReward {
  const { stateCount: S, actionCount: A } = mdp;
  if (!isNumeric(reward) || (reward.length !== S && reward.length !== S * A)) {
    throw new ValidationError(
      field,
      `${S} numbers (one per state) or ${S * A} (one per state-action pair)`,
      isNumeric(reward) ? `${reward.length} numbers` : describeValue(reward),
    );
  }
  const values = reward instanceof Float64Array ? reward : Float64Array.from(reward);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new ValidationError(`${field}[${i}]`, "a finite number", describeValue(values[i]));
    }
  }
  return { values, stateAction: reward.length === S * A && S * A !== S };
}

/** The horizon from the options, else the MDP's; a positive integer. */
export function resolveHorizon(
  mdp: TabularMdp,
  horizon: number | undefined,
  field = "horizon",
): number {
  const value = horizon ?? mdp.horizon;
  if (value === undefined) {
    throw new ValidationError(
      field,
      "a positive integer (the MDP has no horizon of its own)",
      "undefined",
    );
  }
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ValidationError(field, "a positive integer", describeValue(value));
  }
  return value;
}

/** γ from the options, else the MDP's; in [0, 1]. */
export function resolveDiscount(
  mdp: TabularMdp,
  discount: number | undefined,
  field = "discount",
): number {
  const value = discount ?? mdp.discount;
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
    throw new ValidationError(field, "a number in [0, 1]", describeValue(value));
  }
  return value;
}

/**
 * A policy for the planners: time-indexed `[H * S * A]` or stationary `[S * A]`, rows of
 * probabilities over actions (each row checked with `checkPolicyRow` unless `checkRows` is false,
 * for a caller that checks each row as it reads it).
 */
export function resolvePolicy(
  mdp: TabularMdp,
  policy: ArrayLike<number>,
  horizon: number,
  field = "policy",
  options: { checkRows?: boolean } = {},
): { values: Float64Array; stationary: boolean } {
  const { stateCount: S, actionCount: A } = mdp;
  const perStep = S * A;
  if (!isNumeric(policy) || (policy.length !== perStep && policy.length !== horizon * perStep)) {
    throw new ValidationError(
      field,
      `${horizon * perStep} numbers ([H][S][A] with H = ${horizon}) or ${perStep} ([S][A], stationary)`,
      isNumeric(policy) ? `${policy.length} numbers` : describeValue(policy),
    );
  }
  const values = policy instanceof Float64Array ? policy : Float64Array.from(policy);
  if (options.checkRows !== false) {
    for (let row = 0; row < values.length / A; row++) checkPolicyRow(mdp, values, row, field);
  }
  return { values, stationary: values.length === perStep };
}

/**
 * Throws unless row `row` of the policy table (a time-indexed `[H][S][A]` or stationary `[S][A]`
 * one) holds probabilities in [0, 1] summing to 1 within 1e-6.
 */
export function checkPolicyRow(
  mdp: TabularMdp,
  values: Float64Array,
  row: number,
  field = "policy",
): void {
  const { stateCount: S, actionCount: A } = mdp;
  let sum = 0;
  for (let a = 0; a < A; a++) {
    const p = values[row * A + a]!;
    if (!(p >= 0 && p <= 1)) {
      throw new ValidationError(
        `${field}[${row * A + a}]`,
        "a probability in [0, 1]",
        describeValue(p),
      );
    }
    sum += p;
  }
  if (Math.abs(sum - 1) > 1e-6) {
    const t = Math.floor(row / S);
    const s = row % S;
    throw new ValidationError(
      `${field}${values.length === S * A ? "" : `[t=${t}]`}[s=${s}]`,
      "action probabilities summing to 1",
      `a sum of ${sum}`,
    );
  }
}

function isNumeric(value: unknown): value is ArrayLike<number> {
  if (ArrayBuffer.isView(value)) return !(value instanceof DataView);
  return Array.isArray(value) && value.every((x) => typeof x === "number");
}

/** An optional finite horizon: `undefined` (infinite horizon) or a positive integer. */
export function resolveOptionalHorizon(
  horizon: number | undefined,
  field: string,
): number | undefined {
  if (horizon !== undefined && (!Number.isSafeInteger(horizon) || horizon <= 0)) {
    throw new ValidationError(field, "a positive integer", describeValue(horizon));
  }
  return horizon;
}

/**
 * Solves an infinite-horizon fixed point V = sweep(V) by Gauss–Jacobi sweeps from V = 0 until
 * max |V_{k+1} − V_k| < tolerance. Needs γ < 1 (a contraction). `sweep(values, out)` writes the
 * next values into `out`.
 */
export function sweepToFixedPoint(
  stateCount: number,
  discount: number,
  sweep: (values: Float64Array, out: Float64Array) => void,
  options: { tolerance?: number; maxIterations?: number; name: string },
): { values: Float64Array; iterations: number } {
  if (!(discount < 1)) {
    throw new ValidationError(
      `${options.name}: discount`,
      "a discount < 1 for the infinite-horizon problem (or pass a horizon)",
      describeValue(discount),
    );
  }
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 100_000;
  let values = new Float64Array(stateCount);
  let next = new Float64Array(stateCount);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    sweep(values, next);
    let change = 0;
    for (let s = 0; s < stateCount; s++) change = Math.max(change, Math.abs(next[s]! - values[s]!));
    [values, next] = [next, values];
    if (change < tolerance) return { values, iterations: iteration };
  }
  throw new Error(
    `${options.name} did not converge to tolerance ${tolerance} in ${maxIterations} sweeps (γ = ${discount}); raise maxIterations or tolerance.`,
  );
}

/** True when `s` is one of the MDP's absorbing terminal states (no future after it). */
export function isTerminalState(mdp: TabularMdp, s: number): boolean {
  return mdp.terminalStates !== undefined && mdp.terminalStates[s] === 1;
}
