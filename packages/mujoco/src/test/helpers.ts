// Helpers for this package's tests (not published: package.json and tsconfig.build.json leave
// src/test/ out).
import { expect } from "vitest";
import type { MujocoModule } from "../mujoco-module.js";

/** The simulator after one env step, computed without the env. */
export interface ReferenceStep {
  qpos: Float64Array;
  qvel: Float64Array;
  cfrcExt: Float64Array;
}

/**
 * Gymnasium's `set_state` then `do_simulation` written out with the raw MuJoCo API on a model of
 * its own: mj_resetData, qpos, qvel, mj_forward; ctrl ← action; frameSkip × mj_step;
 * mj_rnePostConstraint.
 */
export function referenceStep(
  mujoco: MujocoModule,
  xml: string,
  frameSkip: number,
  state: ArrayLike<number>,
  action: ArrayLike<number>,
): ReferenceStep {
  const model = mujoco.MjModel.from_xml_string(xml);
  const data = new mujoco.MjData(model);
  try {
    mujoco.mj_resetData(model, data);
    const nq = model.nq;
    const qpos = data.qpos as Float64Array;
    const qvel = data.qvel as Float64Array;
    for (let i = 0; i < nq; i++) qpos[i] = state[i]!;
    for (let i = 0; i < model.nv; i++) qvel[i] = state[nq + i]!;
    mujoco.mj_forward(model, data);
    (data.ctrl as Float64Array).set(action);
    for (let frame = 0; frame < frameSkip; frame++) mujoco.mj_step(model, data);
    mujoco.mj_rnePostConstraint(model, data);
    return {
      qpos: Float64Array.from(data.qpos as Float64Array),
      qvel: Float64Array.from(data.qvel as Float64Array),
      cfrcExt: Float64Array.from(data.cfrc_ext as Float64Array),
    };
  } finally {
    data.delete();
    model.delete();
  }
}

/** Sample mean and (population) variance. */
export function moments(values: readonly number[]): { mean: number; variance: number } {
  const mean = values.reduce((sum, x) => sum + x, 0) / values.length;
  const variance = values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / values.length;
  return { mean, variance };
}

/**
 * Checks that `values` look like draws of a distribution with the given mean and variance: the
 * sample mean within 4 standard errors, the sample variance within 10 %.
 */
export function expectMoments(values: readonly number[], mean: number, variance: number): void {
  const sample = moments(values);
  expect(Math.abs(sample.mean - mean)).toBeLessThan(4 * Math.sqrt(variance / values.length));
  expect(sample.variance / variance).toBeGreaterThan(0.9);
  expect(sample.variance / variance).toBeLessThan(1.1);
}

/** `Array.from(float32 of each value)`: what a Float32Array observation holds. */
export function asFloat32(values: ArrayLike<number>): number[] {
  return Array.from(Float32Array.from(values));
}
