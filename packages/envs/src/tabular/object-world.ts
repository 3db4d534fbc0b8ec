import { describeValue, Rng, ValidationError } from "@irlkit/core";
import { GRID_ACTION_NAMES, gridStep } from "./grid.js";
import {
  checkKnownKeys,
  checkKwargsObject,
  readChoice,
  readInteger,
  readNumber,
} from "./kwargs.js";
import { TabularEnv } from "./tabular-env.js";
import { TabularMdp } from "./tabular-mdp.js";

/** An object of an ObjectWorld: a cell and its two colours (indices in [0, colourCount)). */
export interface WorldObject {
  x: number;
  y: number;
  innerColour: number;
  outerColour: number;
}

export interface ObjectWorldKwargs {
  /** N: the grid is N × N. @default 10 */
  size?: number;
  /** C: colours objects are painted with (the reward needs colours 0 and 1, so C >= 2). @default 2 */
  colourCount?: number;
  /** Objects placed on distinct uniformly random cells. Ignored when `objects` is given. @default 15 */
  objectCount?: number;
  /** Seed of the placement `Rng` (the world layout, not the episodes). @default 0 */
  layoutSeed?: number;
  /** Hand-placed objects (distinct cells) instead of random placement. @default undefined */
  objects?: WorldObject[];
  /**
   * Probability that the intended move is replaced by one of the 4 *other* actions, uniformly
   * (Levine et al. 2011: "each action has a 30% chance of moving in a different random direction";
   * their objectworld code spreads 1 − determinism evenly over the other four actions). @default 0.3
   */
  slip?: number;
  /**
   * `"discrete"`: 2·C·N binary features "within distance d of colour c" (strictly less than d), for
   * d = 1..N; `"continuous"`: 2·C distances to the nearest object of each colour. @default "discrete"
   */
  features?: "discrete" | "continuous";
  /** r(s) where both conditions of the rule hold. @default 1 */
  positiveReward?: number;
  /** r(s) where only the colour-1 condition holds. @default -1 */
  negativeReward?: number;
  /** Episode length. @default 2 * size */
  horizon?: number;
  /** γ for planners. @default 1 */
  discount?: number;
}

const OBJECT_WORLD_KEYS = [
  "size",
  "colourCount",
  "objectCount",
  "layoutSeed",
  "objects",
  "slip",
  "features",
  "positiveReward",
  "negativeReward",
  "horizon",
  "discount",
] as const;

/** Distance used for a colour no object has: √2 · N, beyond every distance on the grid (Levine's code). */
function missingColourDistance(size: number): number {
  return Math.SQRT2 * size;
}

/**
 * ObjectWorld (Levine, Popović, Koltun 2011, "Nonlinear Inverse Reinforcement Learning with
 * Gaussian Processes", NIPS): an N × N grid with 5 actions (0 right, 1 down, 2 left, 3 up, 4 stay;
 * state = y · N + x), populated by objects that each have an inner and an outer colour out of C.
 *
 * True reward (the paper's rule, with the distances and inequalities of the authors' reference code,
 * `objectworldfeatures.m` / `objectworlddefaultparams.m`): with d₁ = Euclidean distance from the
 * cell to the nearest object whose **outer** colour is 0 ("colour 1") and d₂ the same for outer
 * colour 1 ("colour 2"),
 *
 *     r(s) = positiveReward   if d₁ < 3 and d₂ < 2
 *            negativeReward   if d₁ < 3 and not d₂ < 2
 *            0                otherwise.
 *
 * Inner colours and outer colours ≥ 2 are distractors. The reward magnitudes default to +1 / −1
 * (as MatthewJA/Inverse-Reinforcement-Learning; the authors' code scales its tree to +5 / −10).
 * Note that MatthewJA's version uses Manhattan distance with ≤; this one follows the authors.
 *
 * Features, per state (Euclidean distances between cell coordinates; a colour with no object counts
 * as √2·N away):
 * - continuous (`2C`): `[dist to outer colour 0..C−1, dist to inner colour 0..C−1]`;
 * - discrete (`2CN`): for d = 1..N, block `(d − 1) · 2C` holds `[outer c: dist < d, inner c: dist < d]`
 *   in the same order.
 *
 * Initial state: uniform over all cells. Objects do not block movement.
 */
export class ObjectWorld extends TabularEnv {
  readonly size: number;
  readonly colourCount: number;
  readonly slip: number;
  readonly objects: readonly Readonly<WorldObject>[];
  readonly actionNames: readonly string[] = GRID_ACTION_NAMES;
  /** `Float64Array [S * 2C]`: the continuous features, whichever `features` kind the MDP carries. */
  readonly distances: Float64Array;

  constructor(kwargs: ObjectWorldKwargs = {}) {
    const options = checkKwargsObject(kwargs, "ObjectWorld");
    checkKnownKeys(options, OBJECT_WORLD_KEYS, "ObjectWorld");
    const size = readInteger(options.size, "ObjectWorld.size", 10, 1);
    const colourCount = readInteger(options.colourCount, "ObjectWorld.colourCount", 2, 2);
    const slip = readNumber(options.slip, "ObjectWorld.slip", 0.3, 0, 1);
    const featureKind = readChoice(options.features, "ObjectWorld.features", "discrete", [
      "discrete",
      "continuous",
    ] as const);
    const positiveReward = readNumber(options.positiveReward, "ObjectWorld.positiveReward", 1);
    const negativeReward = readNumber(options.negativeReward, "ObjectWorld.negativeReward", -1);
    const horizon = readInteger(options.horizon, "ObjectWorld.horizon", 2 * size, 1);
    const discount = readNumber(options.discount, "ObjectWorld.discount", 1, 0, 1);
    const stateCount = size * size;

    const objects =
      options.objects === undefined
        ? placeObjects(
            size,
            colourCount,
            readInteger(options.objectCount, "ObjectWorld.objectCount", 15, 0, stateCount),
            readInteger(options.layoutSeed, "ObjectWorld.layoutSeed", 0, Number.MIN_SAFE_INTEGER),
          )
        : readObjects(options.objects, size, colourCount);

    // Continuous features: nearest distance to each outer colour, then each inner colour.
    const distanceCount = 2 * colourCount;
    const distances = new Float64Array(stateCount * distanceCount).fill(
      missingColourDistance(size),
    );
    for (let s = 0; s < stateCount; s++) {
      const x = s % size;
      const y = (s - x) / size;
      const row = s * distanceCount;
      for (const object of objects) {
        const d = Math.hypot(object.x - x, object.y - y);
        const outer = row + object.outerColour;
        const inner = row + colourCount + object.innerColour;
        if (d < distances[outer]!) distances[outer] = d;
        if (d < distances[inner]!) distances[inner] = d;
      }
    }

    // The true reward: outer colour 0 within 3, outer colour 1 within 2 (strict, Euclidean).
    const reward = new Float64Array(stateCount);
    for (let s = 0; s < stateCount; s++) {
      const nearColourOne = distances[s * distanceCount]! < 3;
      const nearColourTwo = distances[s * distanceCount + 1]! < 2;
      if (nearColourOne) reward[s] = nearColourTwo ? positiveReward : negativeReward;
    }

    let features: Float64Array;
    let featureCount: number;
    if (featureKind === "continuous") {
      features = distances;
      featureCount = distanceCount;
    } else {
      featureCount = distanceCount * size;
      features = new Float64Array(stateCount * featureCount);
      for (let s = 0; s < stateCount; s++) {
        for (let d = 1; d <= size; d++) {
          for (let k = 0; k < distanceCount; k++) {
            if (distances[s * distanceCount + k]! < d) {
              features[s * featureCount + (d - 1) * distanceCount + k] = 1;
            }
          }
        }
      }
    }

    // Dynamics: intended move with 1 − slip, each of the 4 other actions with slip / 4.
    const builder = TabularMdp.builder(stateCount, 5);
    for (let s = 0; s < stateCount; s++) {
      for (let a = 0; a < 5; a++) {
        for (let b = 0; b < 5; b++) {
          builder.add(s, a, gridStep(s, b, size, size), a === b ? 1 - slip : slip / 4);
        }
      }
    }
    const mdp = builder.build({
      initialStateDistribution: new Float64Array(stateCount).fill(1 / stateCount),
      features,
      featureCount,
      reward,
      rewardKind: "state",
      horizon,
      discount,
    });
    super(mdp);
    this.size = size;
    this.colourCount = colourCount;
    this.slip = slip;
    this.objects = Object.freeze(objects.map((object) => Object.freeze({ ...object })));
    this.distances = distances.slice();
  }

  /** The state index of cell (x, y). */
  stateOf(x: number, y: number): number {
    return y * this.size + x;
  }
}

/** `count` objects on distinct uniform cells, inner and outer colours uniform in [0, C). */
function placeObjects(
  size: number,
  colourCount: number,
  count: number,
  seed: number,
): WorldObject[] {
  const rng = new Rng(seed).derive("ObjectWorld/objects");
  const cells = rng.permutation(size * size);
  const objects: WorldObject[] = [];
  for (let i = 0; i < count; i++) {
    const cell = cells[i]!;
    const x = cell % size;
    objects.push({
      x,
      y: (cell - x) / size,
      innerColour: rng.integer(colourCount),
      outerColour: rng.integer(colourCount),
    });
  }
  return objects;
}

function readObjects(value: unknown, size: number, colourCount: number): WorldObject[] {
  if (!Array.isArray(value)) {
    throw new ValidationError(
      "ObjectWorld.objects",
      "an array of { x, y, innerColour, outerColour }",
      describeValue(value),
    );
  }
  const seen = new Set<number>();
  return value.map((item: unknown, i) => {
    const field = `ObjectWorld.objects[${i}]`;
    if (typeof item !== "object" || item === null) {
      throw new ValidationError(
        field,
        "an object { x, y, innerColour, outerColour }",
        describeValue(item),
      );
    }
    const record = item as Record<string, unknown>;
    const object: WorldObject = {
      x: readRequiredInteger(record.x, `${field}.x`, size - 1),
      y: readRequiredInteger(record.y, `${field}.y`, size - 1),
      innerColour: readRequiredInteger(record.innerColour, `${field}.innerColour`, colourCount - 1),
      outerColour: readRequiredInteger(record.outerColour, `${field}.outerColour`, colourCount - 1),
    };
    const cell = object.y * size + object.x;
    if (seen.has(cell)) {
      throw new ValidationError(
        field,
        "a cell no other object occupies",
        `a second object at (${object.x}, ${object.y})`,
      );
    }
    seen.add(cell);
    return object;
  });
}

function readRequiredInteger(value: unknown, field: string, maximum: number): number {
  if (value === undefined)
    throw new ValidationError(field, `an integer in [0, ${maximum}]`, "undefined");
  return readInteger(value, field, 0, 0, maximum);
}
