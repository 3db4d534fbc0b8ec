import type { ActionBatch } from "./policy.js";
import type { Box, Space } from "./spaces.js";

/**
 * Actions as an env receives them: a batch of `Box` actions (`[N * flatSize]`, row-major) clipped
 * to the space's bounds into a new `Float32Array`, the way Stable-Baselines3 clips a Gaussian
 * policy's draw (`np.clip(actions, low, high)`) before `env.step`. Actions of any other space are
 * returned as they are (the same array): there is nothing to clip.
 *
 * The one clip in irlkit: policies use it for the actions they send, samplers for a policy that
 * reports none, and reward inputs are built from its result.
 */
export function clipActions(actions: Float32Array, space: Box): Float32Array;
export function clipActions(actions: ActionBatch, space: Space): ActionBatch;
export function clipActions(actions: ActionBatch, space: Space): ActionBatch {
  if (space.kind !== "Box" || !(actions instanceof Float32Array)) return actions;
  const size = space.flatSize;
  const { low, high } = space;
  const clipped = new Float32Array(actions.length);
  for (let i = 0; i < actions.length; i++) {
    const column = i % size;
    clipped[i] = Math.min(Math.max(actions[i]!, low[column]!), high[column]!);
  }
  return clipped;
}
