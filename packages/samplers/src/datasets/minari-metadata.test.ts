import { Box, Discrete, MultiDiscrete, ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import {
  formatGymnasiumEnvSpec,
  formatMinariMetadata,
  formatMinariSpace,
  parseGymnasiumEnvSpec,
  parseMinariMetadata,
  parseMinariSpace,
} from "./minari-metadata.js";

// What Minari 0.5.3 writes for CartPole-v1 (serialize_space + json.dumps).
const CARTPOLE_OBSERVATION =
  '{"type": "Box", "dtype": "float32", "shape": [4], "low": [-4.800000190734863, -Infinity, -0.41887903213500977, -Infinity], "high": [4.800000190734863, Infinity, 0.41887903213500977, Infinity]}';
const cartPoleBox = new Box({
  shape: [4],
  low: [-4.8, Number.NEGATIVE_INFINITY, -0.41887903, Number.NEGATIVE_INFINITY],
  high: [4.8, Number.POSITIVE_INFINITY, 0.41887903, Number.POSITIVE_INFINITY],
});

describe("Minari space strings", () => {
  it("match serialize_space exactly", () => {
    expect(formatMinariSpace(cartPoleBox)).toBe(CARTPOLE_OBSERVATION);
    expect(formatMinariSpace(new Discrete(2))).toBe(
      '{"type": "Discrete", "dtype": "int64", "start": 0, "n": 2}',
    );
    expect(formatMinariSpace(new MultiDiscrete([3, 2], [1, 0]))).toBe(
      '{"type": "MultiDiscrete", "dtype": "int64", "nvec": [3, 2], "start": [1, 0]}',
    );
    expect(formatMinariSpace(new Box({ shape: [2, 1], low: -1, high: 2 }))).toBe(
      '{"type": "Box", "dtype": "float32", "shape": [2, 1], "low": [[-1.0], [-1.0]], "high": [[2.0], [2.0]]}',
    );
  });

  it("parse back to equal spaces", () => {
    expect(parseMinariSpace(CARTPOLE_OBSERVATION, "observation_space").equals(cartPoleBox)).toBe(
      true,
    );
    const multi = new MultiDiscrete([3, 2], [1, 0]);
    expect(parseMinariSpace(formatMinariSpace(multi), "action_space").equals(multi)).toBe(true);
    expect(() => parseMinariSpace('{"type": "Box"', "observation_space")).toThrow(
      /observation_space: expected a JSON string describing a space, found unparsable JSON/,
    );
    expect(() => parseMinariSpace('{"type": "Text"}', "observation_space")).toThrow(
      /observation_space.type/,
    );
  });
});

describe("Gymnasium env specs", () => {
  it("write EnvSpec.to_json's keys and read them back", () => {
    const text = formatGymnasiumEnvSpec({
      id: "CartPole-v1",
      maxEpisodeSteps: 500,
      rewardThreshold: 475,
    });
    expect(text).toBe(
      '{"id": "CartPole-v1", "entry_point": null, "reward_threshold": 475.0, "nondeterministic": false, "max_episode_steps": 500, "order_enforce": true, "disable_env_checker": false, "kwargs": {}, "additional_wrappers": [], "vector_entry_point": null}',
    );
    expect(parseGymnasiumEnvSpec(text, "env_spec")).toEqual({
      id: "CartPole-v1",
      maxEpisodeSteps: 500,
      rewardThreshold: 475,
    });
  });
});

describe("metadata.json", () => {
  const init = {
    datasetId: "cartpole/expert-v0",
    observationSpace: cartPoleBox,
    actionSpace: new Discrete(2),
    totalEpisodes: 2,
    totalSteps: 30,
    envSpec: { id: "CartPole-v1", maxEpisodeSteps: 500 },
    algorithmName: "CartPoleExpert",
    author: "irlkit",
    datasetSize: 0.1,
  };

  it("is written in Minari's key order with spaces as strings", () => {
    const text = formatMinariMetadata(init);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([
      "total_episodes",
      "total_steps",
      "data_format",
      "jpeg_encoding",
      "observation_space",
      "action_space",
      "env_spec",
      "dataset_id",
      "author",
      "algorithm_name",
      "minari_version",
      "dataset_size",
    ]);
    expect(parsed.observation_space).toBe(CARTPOLE_OBSERVATION);
    expect(parsed.data_format).toBe("hdf5");
    expect(parsed.author).toEqual(["irlkit"]);
    expect(parsed.minari_version).toBe("0.5.3");
  });

  it("round-trips", () => {
    const metadata = parseMinariMetadata(formatMinariMetadata(init));
    expect(metadata.datasetId).toBe("cartpole/expert-v0");
    expect(metadata.totalSteps).toBe(30);
    expect(metadata.observationSpace.equals(cartPoleBox)).toBe(true);
    expect(metadata.actionSpace.equals(new Discrete(2))).toBe(true);
    expect(metadata.envSpec).toEqual({ id: "CartPole-v1", maxEpisodeSteps: 500 });
    expect(metadata.author).toEqual(["irlkit"]);
    expect(metadata.raw.jpeg_encoding).toBe(false);
  });

  it("reads bare Infinity/NaN tokens at the top level (Python's json.dump)", () => {
    const text = `{"total_episodes": 0, "total_steps": 0, "data_format": "hdf5", "observation_space": ${JSON.stringify(CARTPOLE_OBSERVATION)}, "action_space": "{\\"type\\": \\"Discrete\\", \\"dtype\\": \\"int64\\", \\"start\\": 0, \\"n\\": 2}", "ref_max_score": Infinity, "ref_min_score": NaN}`;
    const metadata = parseMinariMetadata(text);
    expect(metadata.refMaxScore).toBe(Number.POSITIVE_INFINITY);
    expect(metadata.refMinScore).toBeNaN();
  });

  it("names the file and key in every error", () => {
    const expectError = (text: string, pattern: RegExp) => {
      let error: unknown;
      try {
        parseMinariMetadata(text, "demo/data/metadata.json");
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).context.file).toBe("demo/data/metadata.json");
      expect((error as Error).message).toMatch(pattern);
    };
    const good = JSON.parse(formatMinariMetadata(init)) as Record<string, unknown>;
    expectError("{", /metadata.json: expected a JSON object, found unparsable JSON/);
    expectError("[]", /expected a JSON object/);
    expectError(
      JSON.stringify({ ...good, total_steps: -1 }),
      /total_steps: expected a non-negative integer, found -1/,
    );
    expectError(JSON.stringify({ ...good, data_format: "arrow" }), /data_format: expected "hdf5"/);
    expectError(
      JSON.stringify({ ...good, observation_space: undefined }),
      /observation_space: expected a serialised space/,
    );
    expectError(JSON.stringify({ ...good, author: 3 }), /author: expected a list of strings/);
    expectError(JSON.stringify({ ...good, env_spec: "{}" }), /env_spec.id/);
    expect(() => formatMinariMetadata({ ...init, datasetId: "no version" })).toThrow(/datasetId/);
  });
});
