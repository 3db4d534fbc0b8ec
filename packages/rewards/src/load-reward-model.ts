import {
  defaultLimits,
  describeValue,
  type Limits,
  type Space,
  spaceFromJson,
  ValidationError,
} from "@irlkit/core";
import { decodeFloat32, loadMlpFromJson, parseJsonDocument } from "@irlkit/nn";
import { BoundedReward } from "./bounded-reward.js";
import { LinearReward } from "./linear-reward.js";
import { MlpReward } from "./mlp-reward.js";
import { NormalizedInputReward } from "./normalized-input-reward.js";
import { NormalizedOutputReward } from "./normalized-output-reward.js";
import type { RewardModel, SavedRewardModel } from "./reward-model.js";
import { encodedSize } from "./reward-tensors.js";
import { RunningMeanVariance } from "./running-mean-variance.js";
import {
  expectBoolean,
  expectInputs,
  expectNumber,
  expectNumbers,
  expectObject,
  REWARD_MODEL_FORMAT,
  REWARD_MODEL_VERSION,
  withFieldPrefix,
} from "./saved-model.js";
import { checkSpaces, ShapedReward } from "./shaped-reward.js";
import { TabularReward } from "./tabular-reward.js";
import { checkTransform, TransformedReward } from "./transformed-reward.js";

/** The `kind`s `loadRewardModel` rebuilds. */
export const REWARD_MODEL_KINDS = Object.freeze([
  "tabular",
  "linear",
  "mlp",
  "shaped",
  "normalized-input",
  "normalized-output",
  "transformed",
  "gcl-bounded",
] as const);

export type RewardModelKind = (typeof REWARD_MODEL_KINDS)[number];

/**
 * Rebuilds a reward model from its `toJSON()` output (or that output as JSON text): any model of
 * this package, wrappers and `ShapedReward` recursively — every reward a trainer of irlkit saves
 * (GAIL's `transformed` softplus(logit) and GCL's `gcl-bounded` reward included). The result computes bit-identical rewards
 * to the saved model.
 *
 * Safe on untrusted input: text is read with `JSON.parse` only, nothing is executed, and
 * everything is checked before a tensor is made — format tag, version, kind, both spaces (Minari's
 * JSON form via `spaceFromJson`), every config key, transform names (from a closed list), and the
 * size of every weight array. The spaces are checked against `options.limits` (default
 * `defaultLimits`) before they are built.
 *
 * @throws ValidationError naming the field (nested models under `config.<part>.`), what was
 * expected and what was found.
 */
export function loadRewardModel(
  saved: SavedRewardModel | string,
  options: { limits?: Limits } = {},
): RewardModel {
  return loadAt(parseJsonDocument(saved), "", 0, options.limits ?? defaultLimits);
}

/**
 * How deeply models may nest (wrappers and `ShapedReward` parts): every reward irlkit saves nests
 * at most four levels; a deeper document is refused before it is read (instead of a stack overflow).
 */
export const MAX_REWARD_MODEL_DEPTH = 32;

function loadAt(value: unknown, prefix: string, depth: number, limits: Limits): RewardModel {
  const field = (name: string): string => `${prefix}${name}`;
  const where = prefix.slice(0, -1); // "" for the document itself, "config.base" for a part
  if (depth > MAX_REWARD_MODEL_DEPTH) {
    throw new ValidationError(
      where,
      `a model nested at most ${MAX_REWARD_MODEL_DEPTH} levels deep`,
      "deeper nesting",
    );
  }
  const record = expectObject(value, where, [
    "format",
    "version",
    "kind",
    "observationSpace",
    "actionSpace",
    "config",
  ]);
  if (record.format !== REWARD_MODEL_FORMAT) {
    throw new ValidationError(
      field("format"),
      JSON.stringify(REWARD_MODEL_FORMAT),
      describeValue(record.format),
    );
  }
  if (record.version !== REWARD_MODEL_VERSION) {
    throw new ValidationError(
      field("version"),
      `${REWARD_MODEL_VERSION} (the version this library reads)`,
      describeValue(record.version),
    );
  }
  const kind = record.kind;
  if (typeof kind !== "string" || !(REWARD_MODEL_KINDS as readonly string[]).includes(kind)) {
    throw new ValidationError(
      field("kind"),
      `one of ${REWARD_MODEL_KINDS.map((name) => `"${name}"`).join(", ")}`,
      describeValue(kind),
    );
  }
  const observationSpace = spaceFromJson(
    record.observationSpace,
    field("observationSpace"),
    limits,
  );
  const actionSpace = spaceFromJson(record.actionSpace, field("actionSpace"), limits);
  const spaces = { observationSpace, actionSpace };
  const configField = field("config");
  switch (kind as RewardModelKind) {
    case "tabular": {
      const config = expectObject(record.config, configField, ["perStateAction", "values"]);
      const perStateAction = expectBoolean(config.perStateAction, `${configField}.perStateAction`);
      const size = withFieldPrefix(where, () =>
        tableSize(observationSpace, actionSpace, perStateAction),
      );
      const values = decodeFloat32(config.values, size, `${configField}.values`);
      return new TabularReward({ ...spaces, perStateAction, initialValues: values });
    }
    case "linear": {
      const config = expectObject(record.config, configField, ["bias", "weights", "biasValue"]);
      const bias = expectBoolean(config.bias, `${configField}.bias`);
      const weights = decodeFloat32(
        config.weights,
        encodedSize(observationSpace),
        `${configField}.weights`,
      );
      if (!bias && config.biasValue !== null) {
        throw new ValidationError(
          `${configField}.biasValue`,
          "null (bias is false)",
          describeValue(config.biasValue),
        );
      }
      return new LinearReward({
        ...spaces,
        bias,
        initialWeights: weights,
        ...(bias
          ? { initialBias: decodeFloat32(config.biasValue, 1, `${configField}.biasValue`)[0]! }
          : {}),
      });
    }
    case "mlp": {
      const config = expectObject(record.config, configField, ["inputs", "network"]);
      const inputs = expectInputs(config.inputs, `${configField}.inputs`);
      const network = withFieldPrefix(`${configField}.network`, () =>
        loadMlpFromJson(config.network),
      );
      try {
        return withFieldPrefix(configField, () => new MlpReward({ ...spaces, inputs, network }));
      } catch (error) {
        network.dispose();
        throw error;
      }
    }
    case "shaped": {
      const config = expectObject(record.config, configField, ["discount", "base", "potential"]);
      const discount = expectNumber(config.discount, `${configField}.discount`, { min: 0, max: 1 });
      const base = loadPart(config.base, `${configField}.base`, spaces, depth, limits);
      try {
        const potential = loadPart(
          config.potential,
          `${configField}.potential`,
          spaces,
          depth,
          limits,
        );
        try {
          return withFieldPrefix(
            configField,
            () => new ShapedReward({ ...spaces, discount, base, potential }),
          );
        } catch (error) {
          potential.dispose();
          throw error;
        }
      } catch (error) {
        base.dispose();
        throw error;
      }
    }
    case "normalized-input":
    case "normalized-output": {
      const config = expectObject(record.config, configField, ["epsilon", "statistics", "model"]);
      const epsilon = expectNumber(config.epsilon, `${configField}.epsilon`, {
        min: 0,
        minExclusive: true,
      });
      const size = kind === "normalized-input" ? observationSpace.flatSize : 1;
      const statisticsField = `${configField}.statistics`;
      const state = expectObject(config.statistics, statisticsField, ["mean", "variance", "count"]);
      const mean = expectNumbers(state.mean, size, `${statisticsField}.mean`);
      const variance = expectNumbers(state.variance, size, `${statisticsField}.variance`);
      variance.forEach((v, i) => {
        if (v < 0) {
          throw new ValidationError(
            `${statisticsField}.variance[${i}]`,
            "a number >= 0",
            describeValue(v),
          );
        }
      });
      const count = state.count;
      if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 0) {
        throw new ValidationError(
          `${statisticsField}.count`,
          "a non-negative integer",
          describeValue(count),
        );
      }
      const statistics = new RunningMeanVariance(size, {
        mean: Array.from(mean),
        variance: Array.from(variance),
        count,
      });
      const model = loadPart(config.model, `${configField}.model`, spaces, depth, limits);
      try {
        return withFieldPrefix(configField, () =>
          kind === "normalized-input"
            ? new NormalizedInputReward({ model, epsilon, statistics })
            : new NormalizedOutputReward({ model, epsilon, statistics }),
        );
      } catch (error) {
        model.dispose();
        throw error;
      }
    }
    case "transformed": {
      const config = expectObject(record.config, configField, ["transform", "model"]);
      const transform = checkTransform(config.transform, `${configField}.transform`);
      const model = loadPart(config.model, `${configField}.model`, spaces, depth, limits);
      return new TransformedReward({ model, transform });
    }
    case "gcl-bounded": {
      const config = expectObject(record.config, configField, ["low", "high", "model"]);
      const low = expectNumber(config.low, `${configField}.low`);
      const high = expectNumber(config.high, `${configField}.high`);
      if (!(high > low)) {
        throw new ValidationError(
          `${configField}.high`,
          `a number > low (${low})`,
          describeValue(high),
        );
      }
      const model = loadPart(config.model, `${configField}.model`, spaces, depth, limits);
      return new BoundedReward({ model, low, high });
    }
  }
}

/** Loads a nested model and checks it scores the same spaces as its parent. */
function loadPart(
  value: unknown,
  field: string,
  spaces: { observationSpace: Space; actionSpace: Space },
  depth: number,
  limits: Limits,
): RewardModel {
  const model = loadAt(value, `${field}.`, depth + 1, limits);
  try {
    checkSpaces(model, spaces.observationSpace, spaces.actionSpace, field);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

function tableSize(observationSpace: Space, actionSpace: Space, perStateAction: boolean): number {
  if (observationSpace.kind !== "Discrete") {
    throw new ValidationError(
      "observationSpace",
      "a Discrete space (a tabular reward has one entry per state)",
      `a ${observationSpace.kind} space`,
    );
  }
  if (!perStateAction) return observationSpace.n;
  if (actionSpace.kind !== "Discrete") {
    throw new ValidationError(
      "actionSpace",
      "a Discrete space (perStateAction needs one entry per action)",
      `a ${actionSpace.kind} space`,
    );
  }
  return observationSpace.n * actionSpace.n;
}
