/**
 * A `VectorEnv` that can be put back exactly where a checkpoint left it.
 *
 * `Ppo.loadState` restores the optimiser but resets the env with its seed on the next `collect()`,
 * so a resumed run would start fresh episodes and drift from an uninterrupted one. The envs are
 * deterministic given their reset seed and the actions taken, so this env records every action
 * batch since its seeded reset; a checkpoint stores that history (4 bytes per action entry), and
 * after `restoreOnNextReset(history)` the optimiser's seeded reset replays it: the envs, their
 * random generators and the running episode returns end up exactly as they were.
 */
import type { ActionBatch } from "@irlkit/core";
import {
  type VectorEnv as BaseVectorEnv,
  VectorEnv,
  type VectorResetArgs,
  type VectorResetResult,
} from "@irlkit/envs";

/** The recorded actions since the seeded reset: base64 of the concatenated batches. */
export interface ActionHistory {
  /** `"int32"` (Discrete actions) or `"float32"` (Box). */
  dtype: "int32" | "float32";
  /** Vector steps recorded. */
  steps: number;
  /** Base64 of the little-endian action batches, one after another. */
  data: string;
}

export class ReplayableVectorEnv extends VectorEnv {
  /**
   * The action batches since the seeded reset, one after another in one growing typed array (its
   * capacity doubles): 4 bytes per action entry, not a typed-array object per step.
   */
  #history: Int32Array | Float32Array = new Float32Array(0);
  /** Entries of `#history` in use. */
  #historyLength = 0;
  /** Vector steps recorded. */
  #historySteps = 0;
  #pending: ActionHistory | undefined;

  #dtype(): ActionHistory["dtype"] {
    return this.singleActionSpace.kind === "Discrete" ? "int32" : "float32";
  }

  /** The recorded history, for a checkpoint. */
  actionHistory(): ActionHistory {
    const dtype = this.#dtype();
    const all = this.#history.subarray(0, this.#historyLength);
    return {
      dtype,
      steps: this.#historySteps,
      data: Buffer.from(all.buffer, all.byteOffset, all.byteLength).toString("base64"),
    };
  }

  #record(actions: ActionBatch): void {
    const needed = this.#historyLength + actions.length;
    const int32 = this.#dtype() === "int32";
    if (needed > this.#history.length || int32 !== this.#history instanceof Int32Array) {
      const capacity = Math.max(needed, 2 * this.#history.length, 1024);
      const grown = int32 ? new Int32Array(capacity) : new Float32Array(capacity);
      grown.set(this.#history.subarray(0, this.#historyLength));
      this.#history = grown;
    }
    this.#history.set(actions, this.#historyLength);
    this.#historyLength = needed;
    this.#historySteps++;
  }

  /** The next seeded `reset` replays `history` after resetting. */
  restoreOnNextReset(history: ActionHistory): void {
    this.#pending = history;
  }

  override reset(args: VectorResetArgs = {}): VectorResetResult {
    const pending = this.#pending;
    this.#pending = undefined;
    const result = super.reset(args);
    if (args.mask === undefined) {
      this.#historyLength = 0;
      this.#historySteps = 0;
    }
    if (pending === undefined || pending.steps === 0) return result;
    const bytes = Buffer.from(pending.data, "base64");
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    const all =
      pending.dtype === "int32" ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
    const width = all.length / pending.steps;
    let observations = result.observations;
    let infos = result.infos;
    for (let step = 0; step < pending.steps; step++) {
      const stepResult = this.step(all.subarray(step * width, (step + 1) * width) as ActionBatch);
      observations = stepResult.observations;
      infos = stepResult.infos;
    }
    return { observations, infos };
  }

  override step(actions: ActionBatch): ReturnType<BaseVectorEnv["step"]> {
    this.#record(actions);
    return super.step(actions);
  }
}
