/**
 * What the playground's IRL worker reports (the world, each report, the finished run) and the
 * numbers the page draws from it: the recovered reward shifted to the truth, the shared colour
 * range, the correlation as text.
 */
import type { SavedRewardModel } from "@irlkit/rewards";
import { extent } from "../../components/canvas-drawing.js";
import type { WorldObjectView } from "../../workers/irl-protocol.js";

/**
 * The smallest colour span, one unit of the painted rewards (0, ±1): a constant true reward and the
 * sampling noise IRL fits beside it are drawn in nearly one colour, not as amplified noise.
 */
export const MIN_COLOUR_SPAN = 1;

export interface WorldView {
  width: number;
  height: number;
  trueReward: number[];
  objects: WorldObjectView[];
  paths: number[][];
  expertOccupancy: number[];
}

export interface Progress {
  iteration: number;
  recoveredReward: number[];
  learnerOccupancy: number[];
  correlation: number;
  expectedValueDifference: number;
  occupancyLinf: number;
  gradientNorm: number;
  policy: number[];
  actionCount: number;
  values: number[];
}

export interface Finished {
  iterations: number;
  converged: boolean;
  occupancyTolerance: number;
  gradientTolerance: number;
  savedReward: SavedRewardModel;
  stateRewards: number[];
}

export function isConstant(values: readonly number[]): boolean {
  return values.length > 0 && values.every((value) => Math.abs(value - values[0]!) < 1e-9);
}

/** The correlation as text, or why it is undefined. */
export function correlationText(
  correlation: number | undefined,
  truth: readonly number[],
  recovered: readonly number[],
) {
  if (correlation === undefined) return "–";
  if (Number.isFinite(correlation)) return correlation.toFixed(3);
  if (isConstant(truth)) {
    return "undefined (the true reward is the same in every cell, so there is nothing to correlate with: paint a cell +1 or −1)";
  }
  if (isConstant(recovered)) return "undefined (the recovered reward is constant so far)";
  return "undefined";
}

/** `recovered + c` with `c = mean(true − recovered)`: the constant MaxEnt IRL cannot identify. */
export function shiftToTruth(truth: readonly number[], recovered: readonly number[]) {
  if (truth.length === 0 || truth.length !== recovered.length) {
    return { shifted: [...recovered], constant: 0 };
  }
  let sum = 0;
  for (let i = 0; i < truth.length; i++) sum += truth[i]! - recovered[i]!;
  const constant = sum / truth.length;
  return { shifted: recovered.map((value) => value + constant), constant };
}

/** One colour range for several arrays, at least MIN_COLOUR_SPAN wide. */
export function sharedRange(...arrays: readonly (readonly number[])[]) {
  const { low, high } = extent(arrays.flat());
  if (high - low >= MIN_COLOUR_SPAN) return { low, high };
  const middle = (low + high) / 2;
  return { low: middle - MIN_COLOUR_SPAN / 2, high: middle + MIN_COLOUR_SPAN / 2 };
}
export function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "–";
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && magnitude < 1e-3) return value.toExponential(2);
  return value.toFixed(3);
}
