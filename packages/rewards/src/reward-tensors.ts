/**
 * Turning a plain batch of transitions into tensors, and the input encodings every reward model
 * shares (one-hot for Discrete/MultiDiscrete, the raw vector for Box, concatenation in a fixed
 * order). Models never build tensors from plain arrays themselves: `rewardTensors` does it once per
 * batch, and every model (or discriminator) that scores the batch reads the same tensors.
 */
import { describeValue, type RewardInput, type Space, ValidationError } from "@irlkit/core";
import { tf } from "@irlkit/nn";
import type { RewardModel, RewardModelInputs, RewardTensors } from "./reward-model.js";

/**
 * Copies a plain batch into tensors (see `RewardTensors` for the shapes). The caller owns the result
 * and frees it with `disposeRewardTensors`.
 *
 * Discrete (and MultiDiscrete) values stay as they are in the batch — `start` is subtracted by the
 * encoders (`encodeObservations`, `encodeActions`) — and are checked to lie in their space, so a bad
 * index fails here with the row number instead of silently scoring a zero one-hot row.
 *
 * @throws ValidationError naming the field, what was expected and what was found.
 */
export function rewardTensors(
  batch: RewardInput,
  observationSpace: Space,
  actionSpace: Space,
): RewardTensors {
  if (!(batch.dones instanceof Uint8Array)) {
    throw new ValidationError("dones", "a Uint8Array [count]", describeValue(batch.dones));
  }
  const count = batch.dones.length;
  const observationSize = observationSpace.flatSize;
  const actionSize = actionSpace.flatSize;
  checkFloatRows(batch.observations, count, observationSize, "observations");
  checkFloatRows(batch.nextObservations, count, observationSize, "nextObservations");
  if (observationSpace.kind !== "Box") {
    checkIntegerRows(batch.observations, observationSpace, "observations");
    checkIntegerRows(batch.nextObservations, observationSpace, "nextObservations");
  }
  const actions = batch.actions;
  if (actionSpace.kind === "Box") {
    checkFloatRows(actions, count, actionSize, "actions");
  } else {
    if (!(actions instanceof Int32Array) || actions.length !== count * actionSize) {
      throw new ValidationError(
        "actions",
        `an Int32Array of ${count * actionSize} integers (${count} rows of ${actionSize} for ${actionSpace.kind} actions)`,
        describeValue(actions),
      );
    }
    checkIntegerRows(actions, actionSpace, "actions");
  }
  return tf.tidy(() => ({
    observations: tf.tensor2d(batch.observations, [count, observationSize], "float32"),
    actions:
      actionSpace.kind === "Box"
        ? tf.tensor2d(actions, [count, actionSize], "float32")
        : actionSpace.kind === "Discrete"
          ? tf.tensor1d(actions, "int32")
          : tf.tensor2d(actions, [count, actionSize], "int32"),
    nextObservations: tf.tensor2d(batch.nextObservations, [count, observationSize], "float32"),
    dones: tf.tensor1d(Float32Array.from(batch.dones), "float32"),
    count,
  }));
}

/** Frees the tensors made by `rewardTensors`. */
export function disposeRewardTensors(tensors: RewardTensors): void {
  tf.dispose([tensors.observations, tensors.actions, tensors.nextObservations, tensors.dones]);
}

/**
 * `model.predict` on a plain batch, read back synchronously: what every model's `reward(batch)`
 * does. One batched forward pass; every tensor it makes is freed before it returns.
 */
export function predictBatch(model: RewardModel, batch: RewardInput): Float32Array {
  const tensors = rewardTensors(batch, model.observationSpace, model.actionSpace);
  try {
    const rewards = tf.tidy(() => model.predict(tensors));
    try {
      return Float32Array.from(rewards.dataSync() as Float32Array);
    } finally {
      rewards.dispose();
    }
  } finally {
    disposeRewardTensors(tensors);
  }
}

/**
 * The width of a space's elements once encoded for a network: `n` for Discrete (one-hot),
 * `Σ nvec` for MultiDiscrete (concatenated one-hots), `flatSize` for Box.
 */
export function encodedSize(space: Space): number {
  switch (space.kind) {
    case "Box":
      return space.flatSize;
    case "Discrete":
      return space.n;
    case "MultiDiscrete":
      return space.nvec.reduce((total, n) => total + n, 0);
  }
}

/**
 * Observations `[N, flatSize]` (as in `RewardTensors`) encoded for a network: `[N, encodedSize]`
 * float32 — the vector itself for Box, a one-hot row of the state index (value − start) for
 * Discrete, concatenated one-hots for MultiDiscrete. The caller owns the result.
 */
export function encodeObservations(observations: tf.Tensor2D, space: Space): tf.Tensor2D {
  return tf.tidy(() => {
    switch (space.kind) {
      case "Box":
        return tf.cast(observations, "float32") as tf.Tensor2D;
      case "Discrete":
        return oneHotColumn(observations, 0, space.start, space.n);
      case "MultiDiscrete":
        return tf.concat(
          Array.from(space.nvec, (n, column) =>
            oneHotColumn(observations, column, space.start[column]!, n),
          ),
          1,
        );
    }
  });
}

/**
 * Actions as in `RewardTensors` (`[N, actionSize]` for Box and MultiDiscrete, `[N]` for Discrete)
 * encoded for a network: `[N, encodedSize]` float32 (one-hot for Discrete, concatenated one-hots
 * for MultiDiscrete, as imitation's `preprocess_obs`). The caller owns the result.
 */
export function encodeActions(actions: tf.Tensor, space: Space): tf.Tensor2D {
  return tf.tidy(() => {
    switch (space.kind) {
      case "Box":
        return tf.reshape(tf.cast(actions, "float32"), [-1, space.flatSize]) as tf.Tensor2D;
      case "Discrete":
        return oneHotColumn(tf.reshape(actions, [-1, 1]) as tf.Tensor2D, 0, space.start, space.n);
      case "MultiDiscrete": {
        const table = tf.reshape(actions, [-1, space.flatSize]) as tf.Tensor2D;
        return tf.concat(
          Array.from(space.nvec, (n, column) =>
            oneHotColumn(table, column, space.start[column]!, n),
          ),
          1,
        );
      }
    }
  });
}

/**
 * 0-based state indices `[N]` int32 of Discrete observations `[N, 1]` (value − start). The caller
 * owns the result.
 */
export function discreteIndices(values: tf.Tensor, space: Space, field: string): tf.Tensor1D {
  if (space.kind !== "Discrete") {
    throw new ValidationError(field, "a Discrete space", `a ${space.kind} space`);
  }
  return tf.tidy(() => {
    const flat = tf.reshape(values, [-1]);
    const shifted = space.start === 0 ? flat : tf.sub(flat, tf.scalar(space.start, flat.dtype));
    return tf.cast(shifted, "int32") as tf.Tensor1D;
  });
}

/** Fills in a partial selection of inputs (unset entries are `false`) and checks one is chosen. */
export function resolveInputs(
  inputs: Partial<RewardModelInputs>,
  field = "inputs",
): RewardModelInputs {
  const resolved: RewardModelInputs = {
    observation: false,
    action: false,
    nextObservation: false,
    done: false,
  };
  for (const [key, value] of Object.entries(inputs)) {
    if (!(key in resolved)) {
      throw new ValidationError(
        `${field}.${key}`,
        "one of observation, action, nextObservation, done",
        "an unknown key",
      );
    }
    if (value === undefined) continue;
    if (typeof value !== "boolean") {
      throw new ValidationError(`${field}.${key}`, "a boolean", describeValue(value));
    }
    resolved[key as keyof RewardModelInputs] = value;
  }
  if (!resolved.observation && !resolved.action && !resolved.nextObservation && !resolved.done) {
    throw new ValidationError(field, "at least one input set to true", JSON.stringify(resolved));
  }
  return Object.freeze(resolved);
}

/** The width of `concatenateInputs`'s output. */
export function inputWidth(
  inputs: RewardModelInputs,
  observationSpace: Space,
  actionSpace: Space,
): number {
  return (
    (inputs.observation ? encodedSize(observationSpace) : 0) +
    (inputs.action ? encodedSize(actionSpace) : 0) +
    (inputs.nextObservation ? encodedSize(observationSpace) : 0) +
    (inputs.done ? 1 : 0)
  );
}

/**
 * The chosen inputs, encoded and concatenated in imitation's order — observation, action, next
 * observation, done — as one float32 matrix `[N, inputWidth]`. The caller owns the result. (Only
 * data is concatenated, never a variable, so no gradient needs to flow through the concat.)
 */
export function concatenateInputs(
  tensors: RewardTensors,
  inputs: RewardModelInputs,
  observationSpace: Space,
  actionSpace: Space,
): tf.Tensor2D {
  return tf.tidy(() => {
    const parts: tf.Tensor2D[] = [];
    if (inputs.observation) parts.push(encodeObservations(tensors.observations, observationSpace));
    if (inputs.action) parts.push(encodeActions(tensors.actions, actionSpace));
    if (inputs.nextObservation) {
      parts.push(encodeObservations(tensors.nextObservations, observationSpace));
    }
    if (inputs.done) parts.push(tf.reshape(tensors.dones, [-1, 1]) as tf.Tensor2D);
    return parts.length === 1 ? tf.clone(parts[0]!) : tf.concat(parts, 1);
  });
}

function oneHotColumn(table: tf.Tensor2D, column: number, start: number, n: number): tf.Tensor2D {
  const values = table.shape[1] === 1 ? tf.reshape(table, [-1]) : tf.gather(table, column, 1);
  const indices = tf.cast(tf.sub(values, start), "int32") as tf.Tensor1D;
  return tf.cast(tf.oneHot(indices, n), "float32") as tf.Tensor2D;
}

function checkFloatRows(values: unknown, count: number, size: number, field: string): void {
  if (!(values instanceof Float32Array) || values.length !== count * size) {
    throw new ValidationError(
      field,
      `a Float32Array of ${count * size} numbers (${count} rows of ${size}; count is dones.length)`,
      describeValue(values),
    );
  }
}

function checkIntegerRows(values: Float32Array | Int32Array, space: Space, field: string): void {
  if (space.kind === "Box") return;
  const size = space.flatSize;
  for (let i = 0; i < values.length; i++) {
    const column = i % size;
    const low = space.kind === "Discrete" ? space.start : space.start[column]!;
    const n = space.kind === "Discrete" ? space.n : space.nvec[column]!;
    const value = values[i]!;
    if (!Number.isInteger(value) || value < low || value >= low + n) {
      throw new ValidationError(
        size === 1 ? `${field}[${i}]` : `${field}[${Math.floor(i / size)}][${column}]`,
        `an integer in [${low}, ${low + n})`,
        describeValue(value),
      );
    }
  }
}
