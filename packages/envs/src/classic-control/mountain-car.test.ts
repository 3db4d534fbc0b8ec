import { ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { FixedHorizonMountainCar, MountainCar } from "./mountain-car.js";

describe("MountainCar dynamics", () => {
  it("pushes right from the valley: the arithmetic written out", () => {
    const env = new MountainCar();
    env.reset({ options: { state: [-0.5, 0] } });
    const result = env.step(2);
    // v' = 0 + (2 − 1) · 0.001 + cos(−1.5) · (−0.0025) = 0.001 − 0.0025 · 0.0707372 = 0.00082316
    const velocity = 0.001 + Math.cos(-1.5) * -0.0025;
    expect(velocity).toBeCloseTo(0.000823157, 9);
    expect(Array.from(env.getState())).toEqual([-0.5 + velocity, velocity]);
    expect(Array.from(result.observation)).toEqual(
      Array.from(Float32Array.of(-0.5 + velocity, velocity)),
    );
    expect(result).toMatchObject({ reward: -1, terminated: false, truncated: false });
  });

  it("clips the velocity to ±0.07 before moving", () => {
    const env = new MountainCar();
    env.reset({ options: { state: [-0.5, 0.0695] } });
    env.step(2);
    // 0.0695 + 0.001 − 0.0025 · 0.0707 = 0.070323 > 0.07 → 0.07; x' = −0.5 + 0.07.
    expect(Array.from(env.getState())).toEqual([-0.5 + 0.07, 0.07]);
    env.reset({ options: { state: [-0.5, -0.0699] } });
    env.step(0);
    expect(Array.from(env.getState())).toEqual([-0.5 - 0.07, -0.07]);
  });

  it("stops dead at the left wall", () => {
    const env = new MountainCar();
    env.reset({ options: { state: [-1.19, -0.05] } });
    env.step(0);
    // v' = −0.05 − 0.001 − 0.0025 · cos(−3.57) = −0.051 + 0.00227 = −0.04873; x' = −1.2387 → −1.2, v → 0.
    expect(Array.from(env.getState())).toEqual([-1.2, 0]);
    // A positive velocity at the wall is kept.
    env.reset({ options: { state: [-1.2, 0] } });
    env.step(2);
    const velocity = 0.001 + Math.cos(3 * -1.2) * -0.0025;
    expect(velocity).toBeGreaterThan(0);
    expect(env.getState()[1]).toBeCloseTo(velocity, 15);
  });

  it("terminates at the goal only with enough velocity (goalVelocity)", () => {
    // v' = 0.02 − 0.0025 · cos(1.47) = 0.02 − 0.0025 · 0.1006253 = 0.0197484; x' = 0.5097484 >= 0.5.
    const velocity = 0.02 + Math.cos(3 * 0.49) * -0.0025;
    expect(velocity).toBeCloseTo(0.0197484, 7);
    const plain = new MountainCar();
    plain.reset({ options: { state: [0.49, 0.02] } });
    expect(plain.step(1)).toMatchObject({ reward: -1, terminated: true });
    const demanding = new MountainCar({ goalVelocity: 0.03 });
    demanding.reset({ options: { state: [0.49, 0.02] } });
    expect(demanding.step(1).terminated).toBe(false);
    const justEnough = new MountainCar({ goalVelocity: 0.0197 });
    justEnough.reset({ options: { state: [0.49, 0.02] } });
    expect(justEnough.step(1).terminated).toBe(true);
    // Not yet at 0.5: x' = 0.45 + 0.0197… < 0.5.
    plain.reset({ options: { state: [0.45, 0.02] } });
    expect(plain.step(1).terminated).toBe(false);
  });

  it("resets to a uniform position in [-0.6, -0.4) at rest, reproducibly", () => {
    const env = new MountainCar();
    const a = env.reset({ seed: 7 }).observation;
    const b = new MountainCar().reset({ seed: 7 }).observation;
    const c = new MountainCar().reset({ seed: 8 }).observation;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a[0]).not.toBe(c[0]);
    expect(a[0]).toBeGreaterThanOrEqual(-0.6);
    expect(a[0]).toBeLessThan(-0.4);
    expect(a[1]).toBe(0);
    expect(Array.from(env.observationSpace.low)).toEqual([Math.fround(-1.2), Math.fround(-0.07)]);
  });

  it("rejects bad actions, kwargs, states and a step before reset", () => {
    const env = new MountainCar();
    expect(() => env.step(1)).toThrow(/MountainCar\.step\(\) was called before reset/);
    env.reset({ seed: 0 });
    expect(() => env.step(3)).toThrow(ValidationError);
    expect(() => env.step(3)).toThrow(/action: expected an integer in \[0, 3\), found 3/);
    expect(() => new MountainCar({ goal_velocity: 0.1 } as never)).toThrow(
      /did you mean "goalVelocity"/,
    );
    expect(() => new MountainCar({ goalVelocity: "fast" } as never)).toThrow(
      /MountainCar kwargs\.goalVelocity: expected a finite number, found "fast"/,
    );
    expect(() => env.reset({ options: { state: [0] } })).toThrow(
      /options\.state: expected 2 finite numbers \[position, velocity\], found 1 numbers/,
    );
    expect(() => env.reset({ options: { low: 0.5, high: 0.1 } })).toThrow(/options\.low/);
  });
});

describe("FixedHorizonMountainCar (seals/MountainCar-v0)", () => {
  it("absorbs after the goal: final observation repeated, reward 0, never terminated", () => {
    const env = new FixedHorizonMountainCar();
    env.reset({ options: { state: [0.49, 0.02] } });
    const goal = env.step(1);
    expect(goal).toMatchObject({ reward: -1, terminated: false, truncated: false });
    expect(env.absorbing).toBe(true);
    const stateAtGoal = env.getState();
    for (let t = 0; t < 3; t++) {
      const step = env.step(t % 3);
      expect(step).toMatchObject({ reward: 0, terminated: false, truncated: false });
      expect(Array.from(step.observation)).toEqual(Array.from(goal.observation));
      expect(step.observation).not.toBe(goal.observation);
      expect(Array.from(env.getState())).toEqual(Array.from(stateAtGoal));
    }
    expect(() => env.step(5)).toThrow(ValidationError);
    env.reset({ options: { state: [-0.5, 0] } });
    expect(env.absorbing).toBe(false);
    expect(env.step(2).reward).toBe(-1);
  });
});
