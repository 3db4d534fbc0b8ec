import { ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { Acrobot } from "./acrobot.js";

/**
 * An independent model of the acrobot: the manipulator equation M(q) q̈ + h(q, q̇) + φ(q) = [0, τ]
 * (Spong 1995; Sutton & Barto), solved by Cramer's rule, integrated with a generic RK4 step.
 */
function accelerations(state: number[], torque: number): [number, number] {
  const [theta1, theta2, dTheta1, dTheta2] = state as [number, number, number, number];
  const m1 = 1;
  const m2 = 1;
  const l1 = 1;
  const lc1 = 0.5;
  const lc2 = 0.5;
  const inertia = 1;
  const g = 9.8;
  const m11 =
    m1 * lc1 ** 2 + m2 * (l1 ** 2 + lc2 ** 2 + 2 * l1 * lc2 * Math.cos(theta2)) + 2 * inertia;
  const m12 = m2 * (lc2 ** 2 + l1 * lc2 * Math.cos(theta2)) + inertia;
  const m22 = m2 * lc2 ** 2 + inertia;
  const coriolis1 = -m2 * l1 * lc2 * Math.sin(theta2) * (dTheta2 ** 2 + 2 * dTheta1 * dTheta2);
  const coriolis2 = m2 * l1 * lc2 * Math.sin(theta2) * dTheta1 ** 2;
  // Gravity with θ measured from straight down: cos(θ − π/2) = sin θ.
  const gravity2 = m2 * lc2 * g * Math.sin(theta1 + theta2);
  const gravity1 = (m1 * lc1 + m2 * l1) * g * Math.sin(theta1) + gravity2;
  const right1 = -(coriolis1 + gravity1);
  const right2 = torque - coriolis2 - gravity2;
  const determinant = m11 * m22 - m12 * m12;
  return [(right1 * m22 - m12 * right2) / determinant, (m11 * right2 - m12 * right1) / determinant];
}

function referenceStep(state: number[], torque: number): number[] {
  const derivative = (s: number[]): number[] => {
    const [a1, a2] = accelerations(s, torque);
    return [s[2]!, s[3]!, a1, a2];
  };
  const h = 0.2;
  const shift = (s: number[], k: number[], scale: number) => s.map((v, i) => v + scale * k[i]!);
  const k1 = derivative(state);
  const k2 = derivative(shift(state, k1, h / 2));
  const k3 = derivative(shift(state, k2, h / 2));
  const k4 = derivative(shift(state, k3, h));
  const next = state.map((v, i) => v + (h / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!));
  const wrap = (x: number) => x - 2 * Math.PI * Math.floor((x + Math.PI) / (2 * Math.PI));
  const clip = (x: number, limit: number) => Math.min(Math.max(x, -limit), limit);
  return [wrap(next[0]!), wrap(next[1]!), clip(next[2]!, 4 * Math.PI), clip(next[3]!, 9 * Math.PI)];
}

describe("Acrobot dynamics", () => {
  it("stays at the hanging rest point without torque", () => {
    const env = new Acrobot();
    env.reset({ options: { state: [0, 0, 0, 0] } });
    const result = env.step(1);
    // cos(0 − π/2) = 6.1e-17, not exactly 0: the state moves by ~1e-16 at most.
    for (const value of env.getState()) expect(Math.abs(value)).toBeLessThan(1e-14);
    expect(result).toMatchObject({ reward: -1, terminated: false, truncated: false });
    expect(result.observation[0]).toBe(1);
    expect(result.observation[2]).toBe(1);
  });

  it("matches the independent manipulator-equation model over a swing", () => {
    const env = new Acrobot();
    let expected = [0.05, -0.08, 0.01, 0.02];
    env.reset({ options: { state: expected } });
    const torques = [-1, 0, 1];
    for (let t = 0; t < 25; t++) {
      const action = t % 6 < 3 ? 2 : 0;
      expected = referenceStep(expected, torques[action]!);
      const result = env.step(action);
      const state = env.getState();
      for (let i = 0; i < 4; i++) expect(state[i]).toBeCloseTo(expected[i]!, 9);
      expect(Array.from(result.observation)).toEqual(
        Array.from(
          Float32Array.of(
            Math.cos(state[0]!),
            Math.sin(state[0]!),
            Math.cos(state[1]!),
            Math.sin(state[1]!),
            state[2]!,
            state[3]!,
          ),
        ),
      );
    }
  });

  it("wraps both angles into [-π, π]", () => {
    const env = new Acrobot();
    const start = [3.1, -3.1, 3, -3];
    env.reset({ options: { state: start } });
    env.step(1);
    const expected = referenceStep(start, 0);
    const state = env.getState();
    // Unwrapped, θ₁ would pass π and θ₂ would pass −π.
    expect(state[0]).toBeLessThan(0);
    expect(state[1]).toBeGreaterThan(0);
    expect(state[0]).toBeCloseTo(expected[0]!, 9);
    expect(state[1]).toBeCloseTo(expected[1]!, 9);
  });

  it("clips the angular velocities to ±4π and ±9π", () => {
    const env = new Acrobot();
    // A fast elbow drags link 1 backwards: θ̇₁ passes −4π and θ̇₂ stays past 9π.
    env.reset({ options: { state: [0, 0, 0, 40] } });
    env.step(2);
    expect(env.getState()[2]).toBe(-4 * Math.PI);
    expect(env.getState()[3]).toBe(9 * Math.PI);
    env.reset({ options: { state: [0, 0, 15, -30] } });
    env.step(0);
    expect(env.getState()[2]).toBe(4 * Math.PI);
    expect(env.getState()[3]).toBe(-9 * Math.PI);
    // The reference model, which clips the same way, agrees on the other entries.
    const expected = referenceStep([0, 0, 15, -30], -1);
    expect(env.getState()[0]).toBeCloseTo(expected[0]!, 9);
    expect(env.getState()[1]).toBeCloseTo(expected[1]!, 9);
  });

  it("terminates with reward 0 once the tip is above the bar", () => {
    const env = new Acrobot();
    // Straight up: tip height −cos π − cos π = 2 > 1.
    env.reset({ options: { state: [Math.PI, 0, 0, 0] } });
    expect(env.step(1)).toMatchObject({ reward: 0, terminated: true });
    // Link 1 horizontal, link 2 straight up: −cos(π/2) − cos(π) = 1, not above the bar … after a
    // step the tip has fallen a little, so it is still not terminal.
    env.reset({ options: { state: [Math.PI / 2, Math.PI / 2, 0, 0] } });
    const result = env.step(1);
    const [theta1, theta2] = env.getState() as unknown as [number, number];
    expect(-Math.cos(theta1) - Math.cos(theta1 + theta2)).toBeLessThanOrEqual(1);
    expect(result).toMatchObject({ reward: -1, terminated: false });
  });

  it("differs between the book and nips equations only through θ̇₁²", () => {
    const book = new Acrobot();
    const nips = new Acrobot({ bookOrNips: "nips" });
    book.reset({ options: { state: [0.3, 0.2, 0, 0.5] } });
    nips.reset({ options: { state: [0.3, 0.2, 0, 0.5] } });
    book.step(2);
    nips.step(2);
    expect(Array.from(nips.getState())).not.toEqual(Array.from(book.getState()));
    expect(() => new Acrobot({ bookOrNips: "paper" } as never)).toThrow(
      /Acrobot kwargs\.bookOrNips: expected one of "book", "nips", found "paper"/,
    );
    expect(() => new Acrobot({ book_or_nips: "nips" } as never)).toThrow(
      /did you mean "bookOrNips"/,
    );
    expect(() => new Acrobot({ torqueNoiseMax: -1 } as never)).toThrow(
      /expected a finite number >= 0, found -1/,
    );
  });

  it("draws torque noise from the seeded generator", () => {
    const run = (seed: number) => {
      const env = new Acrobot({ torqueNoiseMax: 0.5 });
      env.reset({ seed });
      for (let t = 0; t < 5; t++) env.step(1);
      return Array.from(env.getState());
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });

  it("resets to float32 values in [-0.1, 0.1), reproducibly, and rejects misuse", () => {
    const env = new Acrobot();
    const a = env.reset({ seed: 9 }).observation;
    const state = env.getState();
    for (const value of state) {
      expect(Math.fround(value)).toBe(value);
      expect(value).toBeGreaterThanOrEqual(-0.1);
      expect(value).toBeLessThan(0.1);
    }
    expect(Array.from(new Acrobot().reset({ seed: 9 }).observation)).toEqual(Array.from(a));
    expect(Array.from(new Acrobot().reset({ seed: 10 }).observation)).not.toEqual(Array.from(a));
    expect(() => new Acrobot().step(0)).toThrow(/Acrobot\.step\(\) was called before reset/);
    expect(() => env.step(3)).toThrow(ValidationError);
    expect(() => env.step(1.5)).toThrow(/action: expected an integer in \[0, 3\), found 1\.5/);
    expect(() => env.reset({ options: { state: [0, 0, 0, 0, 0] } })).toThrow(
      /options\.state: expected 4 finite numbers \[theta1, theta2, theta1Dot, theta2Dot\], found 5 numbers/,
    );
    expect(env.observationSpace.high[5]).toBe(Math.fround(9 * Math.PI));
  });
});
