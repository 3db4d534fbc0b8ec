import { ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { GridWorld } from "./grid-world.js";
import { TabularEnv } from "./tabular-env.js";
import { TabularMdp } from "./tabular-mdp.js";

function rollout(env: TabularEnv, seed: number, actions: number[]): number[] {
  const states = [env.reset({ seed }).observation];
  for (const action of actions) states.push(env.step(action).observation);
  return states;
}

describe("TabularEnv", () => {
  it("exposes Discrete spaces and its MDP", () => {
    const world = new GridWorld();
    expect(world.observationSpace.n).toBe(25);
    expect(world.actionSpace.n).toBe(4);
    expect(world.mdp.stateCount).toBe(25);
  });

  it("throws a clear error when stepped before reset, and a ValidationError for a bad action", () => {
    const world = new GridWorld();
    expect(() => world.step(0)).toThrow(
      "GridWorld.step was called before reset(); call reset() first.",
    );
    world.reset({ seed: 1 });
    expect(() => world.step(4)).toThrow(ValidationError);
    expect(() => world.step(4)).toThrow("action: expected an integer in [0, 4), found 4");
    expect(() => world.step(0.5)).toThrow("action: expected an integer in [0, 4), found 0.5");
  });

  it("gives the same episode for the same seed and different ones for different seeds", () => {
    const world = new GridWorld({ size: 6, slip: 0.5, starts: "uniform" });
    const actions = Array.from({ length: 30 }, (_, i) => i % 4);
    const first = rollout(world, 42, actions);
    const second = rollout(world, 42, actions);
    expect(second).toEqual(first);
    const other = rollout(world, 43, actions);
    expect(other).not.toEqual(first);
  });

  it("pays r(s) for the state being left", () => {
    const world = new GridWorld({ size: 3, slip: 0 });
    // Leaving the goal (2, 2) = 8 pays 1, wherever the agent goes.
    world.reset({ options: { state: 8 } });
    const fromGoal = world.step(2);
    expect(fromGoal.observation).toBe(7);
    expect(fromGoal.reward).toBe(1);
    expect(fromGoal.info).toEqual({ state: 8, nextState: 7 });
    // Entering the goal from (1, 2) = 7 pays r(7) = 0.
    const intoGoal = world.step(0);
    expect(intoGoal.observation).toBe(8);
    expect(intoGoal.reward).toBe(0);
    expect(intoGoal.terminated).toBe(false);
    expect(intoGoal.truncated).toBe(false);
  });

  it("samples the initial distribution and rejects a bad reset state", () => {
    const world = new GridWorld({
      size: 4,
      starts: [
        { x: 1, y: 1 },
        { x: 2, y: 3 },
      ],
    });
    const seen = new Set<number>();
    for (let seed = 0; seed < 40; seed++) seen.add(world.reset({ seed }).observation);
    expect([...seen].sort((a, b) => a - b)).toEqual([5, 14]);
    expect(() => world.reset({ options: { state: 16 } })).toThrow(
      "reset options.state: expected an integer in [0, 16), found 16",
    );
  });

  it("reports terminated when the MDP enters a terminal state, with state-action rewards", () => {
    const mdp = TabularMdp.fromDense({
      transitions: [
        [
          [0, 1],
          [1, 0],
        ],
        [
          [0, 1],
          [0, 1],
        ],
      ],
      initialStateDistribution: [1, 0],
      reward: [0.5, -1, 0, 0],
      rewardKind: "stateAction",
      terminalStates: [0, 1],
    });
    const env = new TabularEnv(mdp);
    env.reset({ seed: 0 });
    const stay = env.step(1);
    expect(stay).toMatchObject({ observation: 0, reward: -1, terminated: false });
    const end = env.step(0);
    expect(end).toMatchObject({ observation: 1, reward: 0.5, terminated: true, truncated: false });
  });
});
