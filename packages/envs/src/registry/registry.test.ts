import { type Env, editDistance } from "@irlkit/core";
import { CorridorEnv } from "@irlkit/core/testing";
import { describe, expect, it } from "vitest";
import type { EnvRegistration } from "../registration.js";
import { FixedHorizon } from "../wrappers/fixed-horizon.js";
import { OrderEnforcing } from "../wrappers/order-enforcing.js";
import { TimeLimit } from "../wrappers/time-limit.js";
import { unwrap } from "../wrappers/wrapper.js";
import { createRegistry, nearestIds, parseEnvId, registerBuiltins } from "./registry.js";

const corridor = (id: string, extra: Partial<EnvRegistration> = {}): EnvRegistration => ({
  id,
  entryPoint: (kwargs) => new CorridorEnv((kwargs.length as number | undefined) ?? 5),
  ...extra,
});

describe("parseEnvId", () => {
  it("splits namespace, name and version", () => {
    expect(parseEnvId("CartPole-v1")).toEqual({
      namespace: undefined,
      name: "CartPole",
      version: 1,
    });
    expect(parseEnvId("seals/CartPole-v0")).toEqual({
      namespace: "seals",
      name: "CartPole",
      version: 0,
    });
    expect(parseEnvId("PointMaze-Left-v12").name).toBe("PointMaze-Left");
  });

  it("rejects ids without a version or with bad characters", () => {
    for (const id of ["CartPole", "CartPole-v", "Cart Pole-v1", "a/b/c-v1", "-v1", ""]) {
      expect(() => parseEnvId(id), id).toThrow(
        'expected an id of the form "[namespace/]Name-v<version>"',
      );
    }
  });
});

describe("Registry", () => {
  it("registers, lists and looks up ids", () => {
    const registry = createRegistry([corridor("Corridor-v0"), corridor("test/Corridor-v1")]);
    expect(registry.ids()).toEqual(["Corridor-v0", "test/Corridor-v1"]);
    expect(registry.has("Corridor-v0")).toBe(true);
    expect(registry.has("Corridor-v9")).toBe(false);
    expect(registry.spec("Corridor-v0").id).toBe("Corridor-v0");
    expect(Object.isFrozen(registry.spec("Corridor-v0"))).toBe(true);
  });

  it("keeps registries isolated", () => {
    const a = createRegistry([corridor("Corridor-v0")]);
    const b = createRegistry();
    expect(b.has("Corridor-v0")).toBe(false);
    b.register(corridor("Corridor-v0")); // no clash across registries
    expect(a.ids()).toEqual(b.ids());
  });

  it("rejects duplicates and malformed registrations clearly", () => {
    const registry = createRegistry([corridor("Corridor-v0")]);
    expect(() => registry.register(corridor("Corridor-v0"))).toThrow(
      "Cannot register Corridor-v0: an environment with this id is already registered. Use another id (bump the version, e.g. Corridor-v1)",
    );
    expect(() => registry.register(corridor("Corridor"))).toThrow(
      'registration.id: expected an id of the form "[namespace/]Name-v<version>" (e.g. "CartPole-v1"), found "Corridor"',
    );
    expect(() => registry.register({ id: "X-v0" } as EnvRegistration)).toThrow(
      "registration X-v0: entryPoint: expected a function (kwargs) => Env, found undefined",
    );
    expect(() => registry.register(corridor("X-v0", { maxEpisodeSteps: 0 }))).toThrow(
      "registration X-v0: maxEpisodeSteps: expected a positive integer, found 0",
    );
    expect(() =>
      registry.register(corridor("X-v0", { fixedHorizon: 10, maxEpisodeSteps: 20 })),
    ).toThrow(
      "registration X-v0: maxEpisodeSteps: expected undefined or equal to fixedHorizon (10)",
    );
    expect(() =>
      registry.register(corridor("X-v0", { kwargs: { table: new Float32Array(2) } })),
    ).toThrow(
      "registration X-v0: kwargs.table: expected a JSON value (number, string, boolean, null, array or plain object), found Float32Array(2) (convert typed arrays with Array.from)",
    );
    expect(registry.ids()).toEqual(["Corridor-v0"]);
  });

  it("makes envs wrapped in OrderEnforcing and TimeLimit, with the spec", () => {
    const registry = createRegistry([
      corridor("Corridor-v0", { maxEpisodeSteps: 3, rewardThreshold: 1, kwargs: { length: 10 } }),
    ]);
    const env = registry.make<Float32Array, number>("Corridor-v0");
    expect(env).toBeInstanceOf(TimeLimit);
    expect((env as TimeLimit).env).toBeInstanceOf(OrderEnforcing);
    expect(unwrap(env)).toBeInstanceOf(CorridorEnv);
    expect((unwrap(env) as CorridorEnv).length).toBe(10);
    expect(env.spec).toEqual({
      id: "Corridor-v0",
      maxEpisodeSteps: 3,
      rewardThreshold: 1,
      kwargs: { length: 10 },
    });
    env.reset();
    expect([env.step(0).truncated, env.step(0).truncated, env.step(0).truncated]).toEqual([
      false,
      false,
      true,
    ]);
  });

  it("merges kwargs and applies overrides", () => {
    const registry = createRegistry([
      corridor("Corridor-v0", { maxEpisodeSteps: 3, kwargs: { length: 10, name: "a" } }),
    ]);
    const env = registry.make("Corridor-v0", { kwargs: { length: 4 }, maxEpisodeSteps: 7 });
    expect(env.spec).toEqual({
      id: "Corridor-v0",
      maxEpisodeSteps: 7,
      kwargs: { length: 4, name: "a" },
    });
    expect((unwrap(env) as CorridorEnv).length).toBe(4);
    const unlimited = registry.make("Corridor-v0", { maxEpisodeSteps: null });
    expect(unlimited).toBeInstanceOf(OrderEnforcing);
    expect(unlimited.spec?.maxEpisodeSteps).toBeUndefined();
    // The registration is untouched by overrides.
    expect(registry.spec("Corridor-v0").kwargs).toEqual({ length: 10, name: "a" });
  });

  it("wraps fixed-horizon registrations in FixedHorizon instead of TimeLimit", () => {
    const registry = createRegistry([
      corridor("seals/Corridor-v0", { fixedHorizon: 6, kwargs: { length: 2 } }),
    ]);
    const env = registry.make<Float32Array, number>("seals/Corridor-v0");
    expect(env).toBeInstanceOf(FixedHorizon);
    expect(env.spec?.maxEpisodeSteps).toBe(6);
    env.reset();
    const flags = Array.from({ length: 6 }, () => env.step(1)).map((s) => [
      s.terminated,
      s.truncated,
    ]);
    expect(flags.filter(([terminated]) => terminated)).toEqual([]);
    expect(flags[5]).toEqual([false, true]);
    expect(() => registry.make("seals/Corridor-v0", { maxEpisodeSteps: 10 })).toThrow(
      "make(seals/Corridor-v0): maxEpisodeSteps: expected undefined: seals/Corridor-v0 runs every episode for exactly fixedHorizon = 6 steps",
    );
    expect(
      registry.make("seals/Corridor-v0", { fixedHorizon: null, maxEpisodeSteps: 10 }),
    ).toBeInstanceOf(TimeLimit);
    expect((registry.make("seals/Corridor-v0", { fixedHorizon: 9 }) as FixedHorizon).horizon).toBe(
      9,
    );
  });

  it("rejects step before reset on made envs", () => {
    const registry = createRegistry([corridor("Corridor-v0")]);
    const env = registry.make<Float32Array, number>("Corridor-v0");
    expect(() => env.step(0)).toThrow(
      "Corridor-v0: step() was called before reset(); call reset() to start an episode first.",
    );
  });

  it("suggests the registered version for a wrong version", () => {
    const registry = createRegistry([corridor("CartPole-v1"), corridor("MountainCar-v0")]);
    expect(() => registry.make("CartPole-v0")).toThrow(
      "CartPole-v0 is not registered; did you mean CartPole-v1?",
    );
  });

  it("suggests the nearest ids for a misspelt id", () => {
    const registry = createRegistry([
      corridor("CartPole-v1"),
      corridor("MountainCar-v0"),
      corridor("Pendulum-v1"),
    ]);
    expect(() => registry.make("CartPol-v1")).toThrow(
      "CartPol-v1 is not registered; did you mean CartPole-v1? (3 environments registered; list them with registeredIds(), or registry.ids() on a registry of your own)",
    );
    expect(() => registry.make("cartpole-v1")).toThrow("did you mean CartPole-v1?");
    expect(() => registry.make("Zzz-v1")).toThrow(
      "Zzz-v1 is not registered. (3 environments registered",
    );
    expect(() => registry.make("CartPole")).toThrow(
      'id: expected an id of the form "[namespace/]Name-v<version>" (e.g. "CartPole-v1"), found "CartPole"; did you mean CartPole-v1?',
    );
  });

  it("rejects malformed kwargs with the path of the bad value", () => {
    const registry = createRegistry([corridor("Corridor-v0")]);
    expect(() => registry.make("Corridor-v0", { kwargs: [] as never })).toThrow(
      "make(Corridor-v0): kwargs: expected a plain object of JSON values, found an array of length 0",
    );
    expect(() => registry.make("Corridor-v0", { kwargs: { nested: { f: () => 1 } } })).toThrow(
      "make(Corridor-v0): kwargs.nested.f: expected a JSON value (number, string, boolean, null, array or plain object), found a function",
    );
    expect(() => registry.make("Corridor-v0", { kwargs: { x: Number.NaN } })).toThrow(
      "make(Corridor-v0): kwargs.x: expected a JSON value (numbers must be finite), found NaN",
    );
    expect(() => registry.make("Corridor-v0", { kwargs: { when: new Date(0) } })).toThrow(
      "kwargs.when: expected a JSON value (number, string, boolean, null, array or plain object), found an instance of Date",
    );
  });

  it("gives entry points a copy of the kwargs and freezes the spec's", () => {
    let received: Record<string, unknown> | undefined;
    const registry = createRegistry([
      {
        id: "Spy-v0",
        kwargs: { list: [1, 2] },
        entryPoint: (kwargs): Env<unknown, unknown> => {
          received = kwargs;
          (kwargs.list as number[]).push(3);
          return new CorridorEnv() as Env<unknown, unknown>;
        },
      },
    ]);
    const env = registry.make("Spy-v0");
    expect(received?.list).toEqual([1, 2, 3]);
    expect(env.spec?.kwargs).toEqual({ list: [1, 2] });
    expect(Object.isFrozen(env.spec?.kwargs?.list)).toBe(true);
    expect(registry.make("Spy-v0").spec?.kwargs).toEqual({ list: [1, 2] });
  });

  it("registerBuiltins registers a list and rejects a non-list", () => {
    const registry = createRegistry();
    expect(registerBuiltins(registry, [corridor("A-v0"), corridor("B-v0")])).toBe(registry);
    expect(registry.ids()).toEqual(["A-v0", "B-v0"]);
    expect(() => registerBuiltins(registry, {} as never)).toThrow(
      "registrations: expected an array of EnvRegistration",
    );
  });
});

describe("editDistance / nearestIds", () => {
  it("computes Levenshtein distances", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("same", "same")).toBe(0);
  });

  it("ranks the closest ids first and drops far ones", () => {
    expect(nearestIds("Acrobat-v1", ["Acrobot-v1", "CartPole-v1", "Acrobot-v0"])).toEqual([
      "Acrobot-v1",
      "Acrobot-v0",
    ]);
    expect(nearestIds("Q-v1", ["CartPole-v1"])).toEqual([]);
  });
});
