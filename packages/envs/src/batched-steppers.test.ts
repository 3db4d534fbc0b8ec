import { type Env, Rng } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { CartPole } from "./classic-control/cart-pole.js";
import { MountainCarExpert } from "./classic-control/experts.js";
import { MountainCar } from "./classic-control/mountain-car.js";
import { defaultRegistry } from "./registry/default-registry.js";
import type { MakeOverrides } from "./registry/registry.js";
import { type AutoresetMode, VectorEnv, type VectorStepResult } from "./vector-env.js";
import { TimeLimit } from "./wrappers/time-limit.js";

/** The same vector env twice: stepped in one batched loop and through each env object. */
function pair(
  numEnvs: number,
  autoresetMode: AutoresetMode,
  overrides: MakeOverrides = {},
  id = "CartPole-v1",
) {
  const factory = () => defaultRegistry.make(id, overrides);
  const batched = new VectorEnv(factory, { numEnvs, autoresetMode });
  const generic = new VectorEnv(factory, { numEnvs, autoresetMode, stepping: "per-env" });
  return { batched, generic };
}

/** True when two typed arrays hold the same bytes (bit-for-bit equal, −0 and NaN included). */
function sameBits(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const left = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const right = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < left.length; i++) if (left[i] !== right[i]) return false;
  return true;
}

const STEP_ARRAYS = [
  "observations",
  "rewards",
  "terminated",
  "truncated",
  "finished",
  "finalObservations",
  "episodeReturns",
  "episodeLengths",
  "autoreset",
] as const;

/** The fields of one step where the two results differ (empty when they agree bit for bit). */
function differences(batched: VectorStepResult, generic: VectorStepResult): string[] {
  const found: string[] = STEP_ARRAYS.filter((key) => !sameBits(batched[key], generic[key]));
  for (let i = 0; i < batched.infos.length; i++) {
    if (Object.keys(batched.infos[i]!).length !== Object.keys(generic.infos[i]!).length) {
      found.push(`infos[${i}]`);
    }
    if ((batched.finalInfos[i] === undefined) !== (generic.finalInfos[i] === undefined)) {
      found.push(`finalInfos[${i}]`);
    }
  }
  return found;
}

interface RunTally {
  /** Vector steps whose results differed, with what differed on the first one. */
  mismatchedSteps: number;
  firstMismatch: string;
  terminations: number;
  truncations: number;
  autoresets: number;
}

/** Writes the next actions of every copy, given the current observations (of the per-env path). */
type ChooseActions = (observations: Float32Array, rng: Rng, actions: Int32Array) => void;

/** Uniformly random actions out of `n`. */
const randomActions =
  (n: number): ChooseActions =>
  (_observations, rng, actions) => {
    for (let i = 0; i < actions.length; i++) actions[i] = rng.integer(n);
  };

/**
 * Steps both vector envs `steps` times with the same seeded actions (random unless `choose` is
 * given); in "disabled" mode finished copies are reset with a masked reset (seeded on even steps).
 * Compares every output.
 */
function runBoth(
  { batched, generic }: ReturnType<typeof pair>,
  steps: number,
  seed: number,
  choose: ChooseActions = randomActions(2),
): RunTally {
  const tally: RunTally = {
    mismatchedSteps: 0,
    firstMismatch: "",
    terminations: 0,
    truncations: 0,
    autoresets: 0,
  };
  const numEnvs = batched.numEnvs;
  const first = [batched.reset({ seed }), generic.reset({ seed })];
  if (!sameBits(first[0]!.observations, first[1]!.observations)) {
    tally.mismatchedSteps += 1;
    tally.firstMismatch = "reset observations";
  }
  const rng = new Rng(seed).derive("actions");
  const actions = new Int32Array(numEnvs);
  let observations = first[1]!.observations;
  for (let t = 0; t < steps; t++) {
    choose(observations, rng, actions);
    const a = batched.step(actions);
    const b = generic.step(actions);
    const differing = differences(a, b);
    if (differing.length > 0) {
      if (tally.mismatchedSteps === 0) tally.firstMismatch = `step ${t}: ${differing.join(", ")}`;
      tally.mismatchedSteps += 1;
    }
    observations = b.observations;
    for (let i = 0; i < numEnvs; i++) {
      tally.terminations += b.terminated[i]!;
      tally.truncations += b.truncated[i]!;
      tally.autoresets += b.autoreset[i]!;
    }
    if (batched.autoresetMode === "disabled" && b.finished.some((flag) => flag === 1)) {
      const mask = b.finished.slice();
      const args = t % 2 === 0 ? { seed: seed + t, mask } : { mask };
      const x = batched.reset(args).observations;
      const y = generic.reset(args).observations;
      if (!sameBits(x, y) && tally.mismatchedSteps++ === 0) {
        tally.firstMismatch = `masked reset after step ${t}`;
      }
      observations = y;
    }
  }
  for (let i = 0; i < numEnvs; i++) {
    if (!sameBits(batched.getState(i), generic.getState(i)) && tally.mismatchedSteps++ === 0) {
      tally.firstMismatch = `getState(${i}) at the end`;
    }
  }
  return tally;
}

describe("CartPoleBatch (VectorEnv's batched CartPole path)", () => {
  it("is chosen automatically for fresh make('CartPole-v1') envs, and only for them", () => {
    const auto = (factory: () => Env<unknown, unknown>) =>
      new VectorEnv(factory, { numEnvs: 3, autoresetMode: "same-step" }).steppingPath;
    expect(auto(() => defaultRegistry.make("CartPole-v1"))).toBe("batched");
    expect(auto(() => defaultRegistry.make("CartPole-v1", { maxEpisodeSteps: null }))).toBe(
      "batched",
    );
    expect(auto(() => new TimeLimit(new CartPole({ suttonBartoReward: true }), 9))).toBe("batched");
    expect(auto(() => new CartPole())).toBe("batched");
    // seals' fixed-horizon CartPole, a subclass, steps differently: per-env.
    expect(auto(() => defaultRegistry.make("seals/CartPole-v0"))).toBe("per-env");
    class TiltedCartPole extends CartPole {}
    expect(auto(() => new TiltedCartPole())).toBe("per-env");
    // Copies that differ from each other, or that were already reset, keep their own objects.
    let index = 0;
    expect(auto(() => defaultRegistry.make("CartPole-v1", { maxEpisodeSteps: 10 + index++ }))).toBe(
      "per-env",
    );
    expect(
      auto(() => {
        const env = defaultRegistry.make("CartPole-v1");
        env.reset({ seed: 3 });
        return env;
      }),
    ).toBe("per-env");
    expect(
      new VectorEnv(() => defaultRegistry.make("CartPole-v1"), {
        numEnvs: 3,
        autoresetMode: "same-step",
        stepping: "per-env",
      }).steppingPath,
    ).toBe("per-env");
  });

  it.each([
    ["same-step", 0],
    ["same-step", 1],
    ["next-step", 2],
    ["next-step", 3],
    ["disabled", 4],
    ["disabled", 5],
  ] as const)(
    "agrees bit for bit with the per-env path over 10,000 random steps (%s autoreset, seed %i)",
    (mode, seed) => {
      const tally = runBoth(pair(8, mode), 10_000, seed);
      expect(tally.firstMismatch).toBe("");
      expect(tally.mismatchedSteps).toBe(0);
      // Random actions drop the pole in about 20 steps: thousands of episode ends and resets.
      expect(tally.terminations).toBeGreaterThan(2000);
      // Same-step resets at every end; next-step one step later (the last ends are still pending).
      if (mode === "same-step") expect(tally.autoresets).toBe(tally.terminations);
      if (mode === "next-step") {
        expect(tally.autoresets).toBeGreaterThan(tally.terminations - 8);
        expect(tally.autoresets).toBeLessThanOrEqual(tally.terminations);
      }
      if (mode === "disabled") expect(tally.autoresets).toBe(0);
    },
  );

  it.each(["same-step", "next-step", "disabled"] as const)(
    "agrees bit for bit through time-limit truncations (%s autoreset, limit 12 steps)",
    (mode) => {
      const tally = runBoth(pair(8, mode, { maxEpisodeSteps: 12 }), 10_000, 11);
      expect(tally.firstMismatch).toBe("");
      expect(tally.mismatchedSteps).toBe(0);
      expect(tally.truncations).toBeGreaterThan(1000);
      expect(tally.terminations).toBeGreaterThan(500);
    },
  );

  it("agrees bit for bit with Sutton & Barto rewards and the semi-implicit integrator", () => {
    const kwargs = { suttonBartoReward: true, kinematicsIntegrator: "semi-implicit euler" };
    const tally = runBoth(pair(5, "same-step", { kwargs }), 10_000, 21);
    expect(tally.firstMismatch).toBe("");
    expect(tally.mismatchedSteps).toBe(0);
    expect(tally.terminations).toBeGreaterThan(1000);
  });

  it("gives each copy the random stream of its own CartPole (seed + i, then unseeded resets)", () => {
    const { batched } = pair(3, "same-step");
    const observations = batched.reset({ seed: 40 }).observations.slice();
    const single = new CartPole();
    for (let i = 0; i < 3; i++) {
      expect(Array.from(observations.subarray(i * 4, i * 4 + 4))).toEqual(
        Array.from(single.reset({ seed: 40 + i }).observation),
      );
    }
    // Without a seed every copy starts from Rng(0), as a never-seeded CartPole does.
    const unseeded = pair(2, "next-step");
    const fresh = unseeded.batched.reset().observations;
    const reference = new CartPole().reset().observation;
    expect(Array.from(fresh)).toEqual([...reference, ...reference]);
    expect(sameBits(fresh, unseeded.generic.reset().observations)).toBe(true);
  });

  it("resets from options.state, options.low/high and per-copy seeds as the per-env path does", () => {
    const { batched, generic } = pair(3, "same-step");
    const state = [0.1, -0.2, 0.15, 0.3];
    const a = batched.reset({ seed: 5, options: { state } }).observations.slice();
    const b = generic.reset({ seed: 5, options: { state } }).observations;
    expect(sameBits(a, b)).toBe(true);
    expect(Array.from(batched.getState(2))).toEqual(state);
    const bounds = { low: -0.2, high: 0.2 };
    const c = batched.reset({ seed: [1, undefined, 3], options: bounds }).observations.slice();
    const d = generic.reset({ seed: [1, undefined, 3], options: bounds }).observations;
    expect(sameBits(c, d)).toBe(true);
    const tally = runBoth({ batched, generic }, 200, 9);
    expect(tally.mismatchedSteps).toBe(0);
  });

  it("throws the per-env path's errors for bad actions and options, and hides its sub-envs", () => {
    const { batched, generic } = pair(2, "same-step");
    batched.reset({ seed: 0 });
    generic.reset({ seed: 0 });
    const message = "action: expected an integer in [0, 2), found 2";
    expect(() => generic.step(Int32Array.of(0, 2))).toThrow(message);
    expect(() => batched.step(Int32Array.of(0, 2))).toThrow(message);
    // The first copy was stepped before the second threw, on both paths.
    expect(sameBits(batched.getState(0), generic.getState(0))).toBe(true);
    const badOption = { options: { velocity: 1 } };
    expect(() => batched.reset(badOption)).toThrow(
      'options.velocity: expected one of the reset options "low", "high", "state", found an unknown option',
    );
    expect(() => generic.reset(badOption)).toThrow(
      'options.velocity: expected one of the reset options "low", "high", "state", found an unknown option',
    );
    expect(() => batched.envs).toThrow(
      'VectorEnv.envs: this vector env steps its 2 CartPole copies in one batched loop, not through env objects; construct it with { stepping: "per-env" } to get the sub-envs',
    );
    expect(generic.envs).toHaveLength(2);
    expect(() => batched.getState(2)).toThrow(
      "VectorEnv.getState index: expected an integer in [0, 2), found 2",
    );
    expect(
      () =>
        new VectorEnv(() => new CartPole(), {
          numEnvs: 1,
          autoresetMode: "same-step",
          stepping: "batched" as never,
        }),
    ).toThrow('VectorEnv options.stepping: expected "auto", "per-env", found "batched"');
  });
});

describe("MountainCarBatch (VectorEnv's batched MountainCar path)", () => {
  const expert = new MountainCarExpert();
  /** The scripted expert, with a random push (of 3) one step in five: it still reaches the goal. */
  const noisyExpert: ChooseActions = (observations, rng, actions) => {
    const expertActions = expert.act(observations, rng);
    for (let i = 0; i < actions.length; i++) {
      actions[i] = rng.nextDouble() < 0.2 ? rng.integer(3) : expertActions[i]!;
    }
  };

  it("is chosen automatically for fresh make('MountainCar-v0') envs, and only for them", () => {
    const auto = (factory: () => Env<unknown, unknown>) =>
      new VectorEnv(factory, { numEnvs: 2, autoresetMode: "same-step" }).steppingPath;
    expect(auto(() => defaultRegistry.make("MountainCar-v0"))).toBe("batched");
    expect(auto(() => new MountainCar({ goalVelocity: 0.01 }))).toBe("batched");
    expect(auto(() => defaultRegistry.make("seals/MountainCar-v0"))).toBe("per-env");
    expect(auto(() => defaultRegistry.make("MountainCarContinuous-v0"))).toBe("per-env");
  });

  it.each([
    ["same-step", 0],
    ["next-step", 1],
    ["disabled", 2],
  ] as const)(
    "agrees bit for bit with the per-env path over 10,000 steps of a noisy expert (%s autoreset, seed %i)",
    (mode, seed) => {
      const tally = runBoth(pair(8, mode, {}, "MountainCar-v0"), 10_000, seed, noisyExpert);
      expect(tally.firstMismatch).toBe("");
      expect(tally.mismatchedSteps).toBe(0);
      // The expert reaches the goal in about 110 steps: hundreds of terminations.
      expect(tally.terminations).toBeGreaterThan(300);
    },
  );

  it.each(["same-step", "next-step"] as const)(
    "agrees bit for bit over 10,000 random steps, every episode truncated at 200 (%s autoreset)",
    (mode) => {
      const tally = runBoth(pair(8, mode, {}, "MountainCar-v0"), 10_000, 7, randomActions(3));
      expect(tally.firstMismatch).toBe("");
      expect(tally.mismatchedSteps).toBe(0);
      expect(tally.truncations).toBeGreaterThan(390);
    },
  );

  it("agrees bit for bit with goalVelocity, a short time limit and option resets", () => {
    const { batched, generic } = pair(
      4,
      "same-step",
      { kwargs: { goalVelocity: 0.02 }, maxEpisodeSteps: 150 },
      "MountainCar-v0",
    );
    const options = { state: [0.45, 0.03] };
    const a = batched.reset({ seed: 3, options }).observations.slice();
    expect(sameBits(a, generic.reset({ seed: 3, options }).observations)).toBe(true);
    expect(Array.from(batched.getState(1))).toEqual([0.45, 0.03]);
    const tally = runBoth({ batched, generic }, 10_000, 5, noisyExpert);
    expect(tally.firstMismatch).toBe("");
    expect(tally.mismatchedSteps).toBe(0);
    expect(tally.terminations).toBeGreaterThan(100);
    expect(tally.truncations).toBeGreaterThan(10);
  });
});
