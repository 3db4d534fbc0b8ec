import { describe, expect, it } from "vitest";
import { editDistance, nearestNames } from "./nearest-names.js";

describe("nearestNames", () => {
  it("computes Levenshtein distances", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("CartPole-v0", "CartPole-v1")).toBe(1);
  });

  it("suggests the closest names, best first, within the distance limit", () => {
    const ids = ["CartPole-v1", "MountainCar-v0", "Pendulum-v1", "Acrobot-v1"];
    expect(nearestNames("cartpole-v0", ids)).toEqual(["CartPole-v1"]);
    expect(nearestNames("Pendulum-v", ids)).toEqual(["Pendulum-v1"]);
    // "Pendulum" is 3 edits away, beyond the default limit max(2, ⌊8 / 3⌋) = 2.
    expect(nearestNames("Pendulum", ids)).toEqual([]);
    expect(nearestNames("xyz", ids)).toEqual([]);
    expect(nearestNames("ab", ["aa", "ac", "ab"], { limit: 2 })).toEqual(["ab", "aa"]);
    expect(nearestNames("abcdef", ["uvwxyz"], { maxDistance: 6 })).toEqual(["uvwxyz"]);
  });
});
