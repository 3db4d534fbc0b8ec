import type { Env } from "@irlkit/core";
import { describe, expect, expectTypeOf, it } from "vitest";
import { make, registeredIds } from "./default-registry.js";
import type { BuiltinEnvId } from "./registered-env-types.js";

describe("make's typed results", () => {
  it("types every built-in id, and only those", () => {
    // `satisfies` fails to compile if an id is missing from BuiltinEnvTypes or is not one of them.
    const typedIds = {
      "CartPole-v1": true,
      "MountainCar-v0": true,
      "MountainCarContinuous-v0": true,
      "Pendulum-v1": true,
      "Acrobot-v1": true,
      "seals/CartPole-v0": true,
      "seals/MountainCar-v0": true,
      "GridWorld-v0": true,
      "ObjectWorld-v0": true,
      "ObjectWorld32x32-v0": true,
      "seals/CliffWorld7x4-v0": true,
      "seals/CliffWorld15x6-v0": true,
      "seals/CliffWorld100x20-v0": true,
      "PointMazeLeft-v0": true,
      "PointMazeRight-v0": true,
    } satisfies Record<BuiltinEnvId, true>;
    expect(Object.keys(typedIds).sort()).toEqual(registeredIds());
  });

  it("infers observation and action types from the id, and they hold at run time", () => {
    const cartPole = make("CartPole-v1");
    expectTypeOf(cartPole).toEqualTypeOf<Env<Float32Array, number>>();
    expect(cartPole.reset({ seed: 0 }).observation).toBeInstanceOf(Float32Array);
    expect(cartPole.step(1).observation).toBeInstanceOf(Float32Array);

    const pendulum = make("Pendulum-v1");
    expectTypeOf(pendulum).toEqualTypeOf<Env<Float32Array, Float32Array>>();
    pendulum.reset({ seed: 0 });
    expect(pendulum.step(Float32Array.of(0.5)).observation).toHaveLength(3);

    const grid = make("GridWorld-v0");
    expectTypeOf(grid).toEqualTypeOf<Env<number, number>>();
    expect(typeof grid.reset({ seed: 0 }).observation).toBe("number");

    expectTypeOf(make("PointMazeLeft-v0")).toEqualTypeOf<
      Env<Float32Array, Float32Array | Float64Array>
    >();
    expectTypeOf(make<"seals/CartPole-v0">("seals/CartPole-v0")).toEqualTypeOf<
      Env<Float32Array, number>
    >();
  });

  it("keeps the old forms: explicit generics, and unknown for an id only known at run time", () => {
    expectTypeOf(make<Float32Array, number>("CartPole-v1")).toEqualTypeOf<
      Env<Float32Array, number>
    >();
    const id: string = "Acrobot-v1";
    expectTypeOf(make(id)).toEqualTypeOf<Env<unknown, unknown>>();
    expect(make(id).spec?.id).toBe("Acrobot-v1");
  });
});
