import { ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { Pendulum } from "./pendulum.js";

const f32 = Math.fround;
/** A float64 action, so the arithmetic below is plain double precision. */
const torque = (u: number) => Float64Array.of(u) as unknown as Float32Array;

describe("Pendulum dynamics", () => {
  it("pushes from upright rest: the arithmetic written out", () => {
    const env = new Pendulum();
    env.reset({ options: { state: [0, 0] } });
    const result = env.step(torque(1));
    // cost = 0² + 0.1 · 0² + 0.001 · 1² = 0.001
    expect(result.reward).toBe(-0.001);
    // θ̇' = 0 + (15 · sin 0 + 3 · 1) · 0.05 = 0.15; θ' = 0 + 0.15 · 0.05 = 0.0075
    expect(env.getState()[1]).toBeCloseTo(0.15, 15);
    expect(env.getState()[0]).toBeCloseTo(0.0075, 15);
    expect(Array.from(result.observation)).toEqual([
      f32(Math.cos(0.0075)),
      f32(Math.sin(0.0075)),
      f32(0.15),
    ]);
    expect(result).toMatchObject({ terminated: false, truncated: false });
  });

  it("normalises the angle into [-π, π) for the cost but keeps theta unwrapped", () => {
    const env = new Pendulum();
    env.reset({ options: { state: [5, 0] } });
    let result = env.step(torque(0));
    // normalise(5) = 5 − 2π = −1.2831853; cost = 1.6465646
    expect(result.reward).toBeCloseTo(-((5 - 2 * Math.PI) ** 2), 12);
    expect(result.reward).toBeCloseTo(-1.6465646, 6);
    // θ̇' = 0 + 15 · sin 5 · 0.05 = −0.7191802; θ' = 5 − 0.0359590 (no wrapping).
    expect(env.getState()[1]).toBeCloseTo(15 * Math.sin(5) * 0.05, 14);
    expect(env.getState()[0]).toBeCloseTo(5 + 15 * Math.sin(5) * 0.05 * 0.05, 14);
    env.reset({ options: { state: [-4, 1] } });
    result = env.step(torque(0));
    // normalise(−4) = −4 + 2π = 2.2831853; cost = 5.2129349 + 0.1 · 1 = 5.3129349
    expect(result.reward).toBeCloseTo(-((2 * Math.PI - 4) ** 2 + 0.1), 12);
    // θ = π is normalised to −π (the interval is half-open).
    env.reset({ options: { state: [Math.PI, 0] } });
    expect(env.step(torque(0)).reward).toBeCloseTo(-(Math.PI ** 2), 12);
  });

  it("clips the angular velocity to ±8 and the torque to ±2", () => {
    const env = new Pendulum();
    env.reset({ options: { state: [Math.PI / 2, 7.9] } });
    env.step(torque(2));
    // θ̇' = 7.9 + (15 · 1 + 3 · 2) · 0.05 = 8.95 → 8; θ' = π/2 + 8 · 0.05 = π/2 + 0.4
    expect(Array.from(env.getState())).toEqual([Math.PI / 2 + 0.4, 8]);
    env.reset({ options: { state: [0, 0] } });
    // 2 + 1e-9 rounds to 2 in float32 (inside the space) and is clipped to exactly 2.
    const result = env.step(torque(2 + 1e-9));
    expect(result.reward).toBe(-(0.001 * 4));
    expect(env.getState()[1]).toBe(6 * 0.05);
    expect(() => env.step(Float32Array.of(2.5))).toThrow(ValidationError);
    expect(() => env.step(Float32Array.of(2.5))).toThrow(
      /action: expected a float32 array of shape \[1\] within \[-2, 2\]/,
    );
  });

  it("computes the torque terms in float32 for a Float32Array action, as numpy 2 does", () => {
    const env = new Pendulum();
    env.reset({ options: { state: [0.2, -0.3] } });
    const result = env.step(Float32Array.of(0.3));
    const u = f32(0.3);
    const torqueCost = f32(f32(0.001) * f32(u * u));
    // torqueCost differs from the float64 value 0.001 · 0.09 = 9e-5 in the 8th digit.
    expect(torqueCost).not.toBe(0.001 * 0.3 * 0.3);
    expect(result.reward).toBeCloseTo(-(0.2 * 0.2 + 0.1 * (0.3 * 0.3) + torqueCost), 15);
    const thetaDot = -0.3 + (15 * Math.sin(0.2) + f32(3 * u)) * 0.05;
    expect(Array.from(env.getState())).toEqual([0.2 + thetaDot * 0.05, thetaDot]);
  });

  it("uses the g kwarg", () => {
    const env = new Pendulum({ g: 9.81 });
    env.reset({ options: { state: [1, 0] } });
    env.step(torque(0));
    // θ̇' = (3 · 9.81 / 2) · sin 1 · 0.05 = 14.715 · 0.841471 · 0.05 = 0.619112
    expect(env.getState()[1]).toBeCloseTo(14.715 * Math.sin(1) * 0.05, 14);
    expect(env.getState()[1]).toBeCloseTo(0.619112, 6);
    expect(env.g).toBe(9.81);
    expect(() => new Pendulum({ g: "10" } as never)).toThrow(
      /Pendulum kwargs\.g: expected a finite number, found "10"/,
    );
    expect(() => new Pendulum({ gravity: 10 } as never)).toThrow(
      /kwargs\.gravity: expected one of "g"/,
    );
  });

  it("resets uniformly within ±x_init, ±y_init, reproducibly", () => {
    const env = new Pendulum();
    const a = env.reset({ seed: 11 });
    const b = new Pendulum().reset({ seed: 11 });
    const c = new Pendulum().reset({ seed: 12 });
    expect(Array.from(a.observation)).toEqual(Array.from(b.observation));
    expect(Array.from(a.observation)).not.toEqual(Array.from(c.observation));
    for (let seed = 0; seed < 20; seed++) {
      env.reset({ seed });
      const [theta, thetaDot] = env.getState() as unknown as [number, number];
      expect(Math.abs(theta)).toBeLessThanOrEqual(Math.PI);
      expect(Math.abs(thetaDot)).toBeLessThanOrEqual(1);
      env.reset({ seed, options: { x_init: 0.1, y_init: 0.01 } });
      const [small, smallDot] = env.getState() as unknown as [number, number];
      expect(Math.abs(small)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(smallDot)).toBeLessThanOrEqual(0.01);
    }
    expect(() => env.reset({ options: { x_init: "wide" } })).toThrow(
      /options\.x_init: expected a finite number/,
    );
    expect(() => new Pendulum().step(torque(0))).toThrow(
      /Pendulum\.step\(\) was called before reset/,
    );
  });
});
