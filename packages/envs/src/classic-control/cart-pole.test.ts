import { ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { CartPole, FixedHorizonCartPole } from "./cart-pole.js";

/** An independent transcription of the cart-pole equations (Florian 2007, frictionless). */
function referenceStep(state: number[], action: number, semiImplicit = false): number[] {
  const [x, xDot, theta, thetaDot] = state as [number, number, number, number];
  const g = 9.8;
  const massCart = 1;
  const massPole = 0.1;
  const halfLength = 0.5;
  const total = massCart + massPole;
  const force = action === 1 ? 10 : -10;
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const temp = (force + massPole * halfLength * thetaDot ** 2 * s) / total;
  const thetaAcc = (g * s - c * temp) / (halfLength * (4 / 3 - (massPole * c ** 2) / total));
  const xAcc = temp - (massPole * halfLength * thetaAcc * c) / total;
  const dt = 0.02;
  if (semiImplicit) {
    const newXDot = xDot + dt * xAcc;
    const newThetaDot = thetaDot + dt * thetaAcc;
    return [x + dt * newXDot, newXDot, theta + dt * newThetaDot, newThetaDot];
  }
  return [x + dt * xDot, xDot + dt * xAcc, theta + dt * thetaDot, thetaDot + dt * thetaAcc];
}

const THETA_LIMIT = (12 * 2 * Math.PI) / 360; // 0.20943951023931953 rad

describe("CartPole dynamics", () => {
  it("pushes right from rest: the arithmetic written out", () => {
    const env = new CartPole();
    env.reset({ options: { state: [0, 0, 0, 0] } });
    const result = env.step(1);
    // temp = F / (m_c + m_p) = 10 / 1.1 = 9.090909…
    const temp = 10 / 1.1;
    // θ̈ = (g·0 − 1·temp) / (0.5 · (4/3 − 0.1·1/1.1)) = −9.090909 / 0.621212 = −14.634146…
    const thetaAcc = -temp / (0.5 * (4 / 3 - 0.1 / 1.1));
    expect(thetaAcc).toBeCloseTo(-14.634146341, 8);
    // ẍ = temp − 0.05 · θ̈ · 1 / 1.1 = 9.090909 + 0.665188 = 9.756098…
    const xAcc = temp - (0.05 * thetaAcc) / 1.1;
    expect(xAcc).toBeCloseTo(9.756097561, 8);
    // Euler: positions move with the old (zero) velocities.
    const state = env.getState();
    expect(state[0]).toBe(0);
    expect(state[1]).toBeCloseTo(0.02 * 9.756097561, 10);
    expect(state[2]).toBe(0);
    expect(state[3]).toBeCloseTo(0.02 * -14.634146341, 10);
    expect(Array.from(result.observation)).toEqual(Array.from(Float32Array.from(state)));
    expect(result.reward).toBe(1);
    expect(result.terminated).toBe(false);
    expect(result.truncated).toBe(false);
  });

  it("follows the reference equations for 100 steps (euler and semi-implicit euler)", () => {
    for (const integrator of ["euler", "semi-implicit euler"] as const) {
      const env = new CartPole({ kinematicsIntegrator: integrator });
      let expected = [0.01, -0.02, 0.03, 0.04];
      env.reset({ options: { state: expected } });
      for (let t = 0; t < 100; t++) {
        const action = (t * 7) % 3 === 0 ? 1 : 0;
        expected = referenceStep(expected, action, integrator !== "euler");
        env.step(action);
        const state = env.getState();
        for (let i = 0; i < 4; i++) expect(state[i]).toBeCloseTo(expected[i]!, 12);
      }
    }
  });

  it("terminates strictly beyond |x| = 2.4 and |theta| = 12°", () => {
    const env = new CartPole();
    // x' = 2.4 + 0.02 · 0 = 2.4: on the boundary, not beyond it.
    env.reset({ options: { state: [2.4, 0, 0, 0] } });
    expect(env.step(1).terminated).toBe(false);
    // x' = 2.39 + 0.02 · 1 = 2.41 > 2.4.
    env.reset({ options: { state: [2.39, 1, 0, 0] } });
    expect(env.step(1).terminated).toBe(true);
    env.reset({ options: { state: [0, 0, THETA_LIMIT, 0] } });
    expect(env.step(0).terminated).toBe(false);
    env.reset({ options: { state: [0, 0, -THETA_LIMIT, -0.01] } });
    expect(env.step(0).terminated).toBe(true);
  });

  it("pays 1 on the terminating step and 0 on steps past termination", () => {
    const env = new CartPole();
    env.reset({ options: { state: [2.39, 1, 0, 0] } });
    expect(env.step(1)).toMatchObject({ reward: 1, terminated: true });
    expect(env.step(1)).toMatchObject({ reward: 0, terminated: true });
    expect(env.step(0)).toMatchObject({ reward: 0, terminated: true });
    // reset clears the counter.
    env.reset({ options: { state: [2.39, 1, 0, 0] } });
    expect(env.step(1)).toMatchObject({ reward: 1, terminated: true });
  });

  it("uses Sutton & Barto's reward when asked: 0 per step, −1 on and after termination", () => {
    const env = new CartPole({ suttonBartoReward: true });
    env.reset({ options: { state: [0, 0, 0, 0] } });
    expect(env.step(1).reward).toBe(0);
    env.reset({ options: { state: [2.39, 1, 0, 0] } });
    expect(env.step(1).reward).toBe(-1);
    expect(env.step(1).reward).toBe(-1);
  });

  it("declares Gymnasium's spaces in float32", () => {
    const env = new CartPole();
    expect(Array.from(env.observationSpace.high)).toEqual([
      Math.fround(4.8),
      Number.POSITIVE_INFINITY,
      Math.fround(2 * THETA_LIMIT),
      Number.POSITIVE_INFINITY,
    ]);
    expect(env.observationSpace.high[2]).toBeCloseTo(0.41887903, 7);
    expect(env.actionSpace.kind).toBe("Discrete");
    expect(env.spec).toBeUndefined();
  });
});

describe("CartPole reset and errors", () => {
  it("gives the same first observation for the same seed and different ones otherwise", () => {
    const first = new CartPole().reset({ seed: 42 }).observation;
    const again = new CartPole().reset({ seed: 42 }).observation;
    const other = new CartPole().reset({ seed: 43 }).observation;
    expect(Array.from(again)).toEqual(Array.from(first));
    expect(Array.from(other)).not.toEqual(Array.from(first));
    for (const value of first) {
      expect(value).toBeGreaterThanOrEqual(-0.05);
      expect(value).toBeLessThan(0.05);
    }
  });

  it("continues its own stream when reset without a seed, and honours options.low/high", () => {
    const env = new CartPole();
    const a = env.reset({ seed: 5 }).observation;
    const b = env.reset().observation;
    expect(Array.from(b)).not.toEqual(Array.from(a));
    const bounded = env.reset({ options: { low: 0.1, high: 0.2 } }).observation;
    for (const value of bounded) {
      expect(value).toBeGreaterThanOrEqual(Math.fround(0.1));
      expect(value).toBeLessThan(0.2);
    }
  });

  it("sets and copies the state exactly", () => {
    const env = new CartPole();
    const { observation } = env.reset({ options: { state: [0.1, 0.2, 0.05, -0.3] } });
    expect(Array.from(env.getState())).toEqual([0.1, 0.2, 0.05, -0.3]);
    expect(Array.from(observation)).toEqual(Array.from(Float32Array.of(0.1, 0.2, 0.05, -0.3)));
    env.getState()[0] = 99;
    expect(env.getState()[0]).toBe(0.1);
    const next = env.step(0).observation;
    expect(next).not.toBe(observation);
  });

  it("rejects bad states, actions, kwargs and a step before reset", () => {
    const env = new CartPole();
    expect(() => env.step(0)).toThrow(/CartPole\.step\(\) was called before reset\(\)/);
    expect(() => env.reset({ options: { state: [0, 0, 0] } })).toThrow(
      /options\.state: expected 4 finite numbers/,
    );
    expect(() => env.reset({ options: { state: [0, 0, Number.NaN, 0] } })).toThrow(
      /options\.state\[2\] \(theta\): expected a finite number, found NaN/,
    );
    expect(() => env.reset({ options: { stat: [0, 0, 0, 0] } })).toThrow(/options\.stat/);
    env.reset({ seed: 0 });
    for (const bad of [2, -1, 0.5]) {
      expect(() => env.step(bad)).toThrow(ValidationError);
      expect(() => env.step(bad)).toThrow(/action: expected an integer in \[0, 2\)/);
    }
    expect(() => new CartPole({ sutton_barto_reward: true } as never)).toThrow(
      /CartPole kwargs\.sutton_barto_reward: expected one of "suttonBartoReward", "kinematicsIntegrator", found an unknown kwarg \(did you mean "suttonBartoReward"\?\)/,
    );
    expect(() => new CartPole({ kinematicsIntegrator: "rk4" } as never)).toThrow(
      /kwargs\.kinematicsIntegrator: expected one of "euler", "semi-implicit euler", found "rk4"/,
    );
    expect(() => new CartPole({ suttonBartoReward: 1 } as never)).toThrow(
      /expected a boolean, found 1/,
    );
    expect(() => env.reset({ seed: -1 })).toThrow(/seed: expected a non-negative safe integer/);
    env.close();
    env.close();
  });
});

describe("FixedHorizonCartPole (seals/CartPole-v0)", () => {
  it("never terminates and pays 1 only while strictly inside the limits", () => {
    const env = new FixedHorizonCartPole();
    env.reset({ options: { state: [0, 0, 0, 0] } });
    expect(env.step(1)).toMatchObject({ reward: 1, terminated: false, truncated: false });
    // x' = 2.4 exactly: CartPole does not terminate, but seals' "ok" test is strict.
    env.reset({ options: { state: [2.4, 0, 0, 0] } });
    expect(env.step(1)).toMatchObject({ reward: 0, terminated: false });
    env.reset({ options: { state: [2.39, 1, 0, 0] } });
    for (let t = 0; t < 5; t++) expect(env.step(1)).toMatchObject({ reward: 0, terminated: false });
  });

  it("wraps theta into [-π, π) after each step", () => {
    const env = new FixedHorizonCartPole();
    env.reset({ options: { state: [0, 0, 3.2, 0] } });
    const first = referenceStep([0, 0, 3.2, 0], 0);
    env.step(0);
    // θ' = 3.2 + 0.02 · 0 = 3.2, wrapped: 3.2 − 2π = −3.083185…
    expect(first[2]).toBe(3.2);
    expect(env.getState()[2]).toBeCloseTo(3.2 - 2 * Math.PI, 12);
    expect(env.getState()[2]).toBeCloseTo(-3.0831853072, 9);
    env.reset({ options: { state: [0, 0, -3.2, 0] } });
    env.step(0);
    expect(env.getState()[2]).toBeCloseTo(-3.2 + 2 * Math.PI, 12);
    expect(env.observationSpace.high[2]).toBe(Math.fround(Math.PI));
    expect(env.observationSpace.high[0]).toBe(3.4028234663852886e38);
  });
});
