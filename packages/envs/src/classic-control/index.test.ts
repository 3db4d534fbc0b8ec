import { describe, expect, it } from "vitest";
import {
  Acrobot,
  CartPole,
  ContinuousMountainCar,
  classicControlRegistrations,
  FixedHorizonCartPole,
  FixedHorizonMountainCar,
  MountainCar,
  Pendulum,
  type PendulumExpert,
} from "./index.js";

describe("classicControlRegistrations", () => {
  it("registers Gymnasium's ids, limits and thresholds and seals' fixed horizons", () => {
    const table = classicControlRegistrations.map((r) => [
      r.id,
      r.maxEpisodeSteps,
      r.rewardThreshold,
      r.fixedHorizon,
    ]);
    expect(table).toEqual([
      ["CartPole-v1", 500, 475, undefined],
      ["MountainCar-v0", 200, -110, undefined],
      ["MountainCarContinuous-v0", 999, 90, undefined],
      ["Pendulum-v1", 200, undefined, undefined],
      ["Acrobot-v1", 500, -100, undefined],
      ["seals/CartPole-v0", 500, undefined, 500],
      ["seals/MountainCar-v0", 200, undefined, 200],
    ]);
    for (const registration of classicControlRegistrations) {
      expect(registration.description?.length ?? 0).toBeGreaterThan(20);
      expect(registration.scriptedExpert).toBeTypeOf("function");
    }
  });

  it("builds the bare env from kwargs", () => {
    const classes = [
      CartPole,
      MountainCar,
      ContinuousMountainCar,
      Pendulum,
      Acrobot,
      FixedHorizonCartPole,
      FixedHorizonMountainCar,
    ];
    classicControlRegistrations.forEach((registration, i) => {
      const env = registration.entryPoint({});
      expect(env).toBeInstanceOf(classes[i]!);
      expect(env.spec).toBeUndefined();
    });
    const pendulum = classicControlRegistrations[3]!.entryPoint({ g: 9.81 }) as Pendulum;
    expect(pendulum.g).toBe(9.81);
    expect(() => classicControlRegistrations[1]!.entryPoint({ goalVelocity: "x" })).toThrow(
      /goalVelocity/,
    );
  });

  it("gives each expert the env's spaces, and the Pendulum expert the env's gravity", () => {
    const seals = classicControlRegistrations[5]!;
    const env = seals.entryPoint({});
    const expert = seals.scriptedExpert!(env);
    expect(expert.observationSpace).toBe(env.observationSpace);
    expect(expert.actionSpace).toBe(env.actionSpace);
    const pendulum = classicControlRegistrations[3]!;
    const wrapped = Object.assign(Object.create(pendulum.entryPoint({ g: 9.81 })), {
      spec: { id: "Pendulum-v1", kwargs: { g: 9.81 } },
    });
    expect((pendulum.scriptedExpert!(wrapped) as PendulumExpert).g).toBe(9.81);
  });
});
