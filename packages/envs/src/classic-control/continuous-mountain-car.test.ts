import { ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { ContinuousMountainCar } from "./continuous-mountain-car.js";

const f32 = Math.fround;

describe("ContinuousMountainCar dynamics", () => {
  it("steps from the valley with a float64 action: the arithmetic written out", () => {
    const env = new ContinuousMountainCar();
    env.reset({ options: { state: [-0.5, 0] } });
    const result = env.step(Float64Array.of(0.5) as unknown as Float32Array);
    // v' = 0 + (0.5 · 0.0015 − 0.0025 · cos(−1.5)) = 0.00075 − 0.000176843 = 0.000573157
    const velocity = 0.5 * 0.0015 - 0.0025 * Math.cos(-1.5);
    expect(velocity).toBeCloseTo(0.000573157, 9);
    // Gymnasium stores the new state as float32.
    expect(Array.from(env.getState())).toEqual([f32(-0.5 + velocity), f32(velocity)]);
    expect(Array.from(result.observation)).toEqual([f32(-0.5 + velocity), f32(velocity)]);
    // reward = −0.1 · 0.5² = −0.025
    expect(result.reward).toBeCloseTo(-0.025, 15);
    expect(result.terminated).toBe(false);
  });

  it("computes in float32 where numpy 2 does (float32 action, float32 state after a step)", () => {
    const env = new ContinuousMountainCar();
    env.reset({ options: { state: [-0.5, 0] } });
    env.step(Float32Array.of(0.3));
    // Step 1 (state still float64): force·power is float32 · Python float → float32; subtracting
    // the Python float 0.0025·cos(−1.5) stays float32; adding to the float64 velocity is float64.
    const push = f32(f32(0.3) * f32(0.0015));
    const expression = f32(push - f32(0.0025 * Math.cos(-1.5)));
    const v1 = 0 + expression;
    const p1 = -0.5 + v1;
    expect(Array.from(env.getState())).toEqual([f32(p1), f32(v1)]);
    env.step(Float32Array.of(0.3));
    // Step 2 (state float32): 3 · position is float32, the sums are float32.
    const position = f32(p1);
    const slope = 0.0025 * Math.cos(f32(3 * position));
    const v2 = f32(f32(v1) + f32(push - f32(slope)));
    const p2 = f32(position + v2);
    expect(Array.from(env.getState())).toEqual([p2, v2]);
  });

  it("clips the force to [-1, 1] but charges for the action as given", () => {
    const env = new ContinuousMountainCar();
    env.reset({ options: { state: [-0.5, 0] } });
    // 1 + 1e-9 rounds to 1 in float32, so it is inside the space; the force is clipped to 1.
    const action = Float64Array.of(1 + 1e-9) as unknown as Float32Array;
    const result = env.step(action);
    const velocity = 1 * 0.0015 - 0.0025 * Math.cos(-1.5);
    expect(env.getState()[1]).toBe(f32(velocity));
    expect(result.reward).toBe(0 - (1 + 1e-9) * (1 + 1e-9) * 0.1);
    expect(result.reward).not.toBe(-0.1);
    expect(() => env.step(Float32Array.of(1.5))).toThrow(ValidationError);
    expect(() => env.step(Float32Array.of(1.5))).toThrow(
      /action: expected a float32 array of shape \[1\] within \[-1, 1\]/,
    );
    expect(() => env.step(Float32Array.of(0.1, 0.2))).toThrow(/found 2 numbers/);
  });

  it("clips the velocity and stops at the left wall", () => {
    const env = new ContinuousMountainCar();
    env.reset({ options: { state: [-0.5, 0.0699] } });
    env.step(Float64Array.of(1) as unknown as Float32Array);
    // 0.0699 + 0.0015 − 0.000177 = 0.071223 > 0.07 → 0.07
    expect(Array.from(env.getState())).toEqual([f32(-0.5 + 0.07), f32(0.07)]);
    env.reset({ options: { state: [-1.19, -0.05] } });
    env.step(Float64Array.of(-1) as unknown as Float32Array);
    expect(Array.from(env.getState())).toEqual([f32(-1.2), 0]);
  });

  it("reaches the goal at 0.45 with +100, subject to goalVelocity", () => {
    // v' = 0.02 − 0.0025 · cos(1.32) = 0.02 − 0.0025 · 0.248175 = 0.0193796; x' = 0.4593796 >= 0.45.
    const velocity = 0.02 - 0.0025 * Math.cos(3 * 0.44);
    expect(velocity).toBeCloseTo(0.0193796, 7);
    const env = new ContinuousMountainCar();
    env.reset({ options: { state: [0.44, 0.02] } });
    expect(env.step(Float64Array.of(0) as unknown as Float32Array)).toMatchObject({
      reward: 100,
      terminated: true,
    });
    env.reset({ options: { state: [0.44, 0.02] } });
    expect(env.step(Float64Array.of(0.5) as unknown as Float32Array).reward).toBeCloseTo(
      100 - 0.025,
      12,
    );
    const demanding = new ContinuousMountainCar({ goalVelocity: 0.02 });
    demanding.reset({ options: { state: [0.44, 0.02] } });
    expect(demanding.step(Float64Array.of(0) as unknown as Float32Array)).toMatchObject({
      reward: 0,
      terminated: false,
    });
  });

  it("resets reproducibly and rejects misuse", () => {
    const a = new ContinuousMountainCar().reset({ seed: 3 }).observation;
    const b = new ContinuousMountainCar().reset({ seed: 3 }).observation;
    const c = new ContinuousMountainCar().reset({ seed: 4 }).observation;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a[0]).not.toBe(c[0]);
    expect(a[0]).toBeGreaterThanOrEqual(-0.6);
    expect(a[0]).toBeLessThan(-0.4);
    const env = new ContinuousMountainCar();
    expect(() => env.step(Float32Array.of(0))).toThrow(
      /ContinuousMountainCar\.step\(\) was called before reset/,
    );
    expect(() => new ContinuousMountainCar({ power: 2 } as never)).toThrow(
      /ContinuousMountainCar kwargs\.power: expected one of "goalVelocity", found an unknown kwarg/,
    );
    expect(() => env.reset({ options: { state: [0, Number.POSITIVE_INFINITY] } })).toThrow(
      /options\.state\[1\] \(velocity\): expected a finite number, found Infinity/,
    );
    expect(env.actionSpace.toJSON()).toEqual({
      type: "Box",
      dtype: "float32",
      shape: [1],
      low: [-1],
      high: [1],
    });
  });
});
