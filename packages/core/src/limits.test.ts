import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runBounded } from "../../../tools/testing/bounded-child.js";
import {
  checkLimit,
  defaultLimits,
  LIMIT_DESCRIPTIONS,
  parseLimits,
  shapeElements,
  withLimits,
} from "./limits.js";
import { Box, spaceFromJson } from "./spaces.js";
import { ValidationError } from "./validation-error.js";

const packageDirectory = resolve(dirname(fileURLToPath(import.meta.url)), "..");

describe("limits", () => {
  it("are frozen data with a description for every limit", () => {
    expect(Object.isFrozen(defaultLimits)).toBe(true);
    expect(Object.keys(LIMIT_DESCRIPTIONS).sort()).toEqual(Object.keys(defaultLimits).sort());
    for (const value of Object.values(defaultLimits)) {
      expect(Number.isSafeInteger(value) && value > 0).toBe(true);
    }
  });

  it("withLimits returns a new frozen record and leaves the base alone", () => {
    const raised = withLimits({ maxSpaceElements: 2 ** 26 });
    expect(raised.maxSpaceElements).toBe(67_108_864);
    expect(raised.maxEpisodes).toBe(defaultLimits.maxEpisodes);
    expect(defaultLimits.maxSpaceElements).toBe(4_194_304);
    expect(Object.isFrozen(raised)).toBe(true);
    expect(withLimits({ maxEnvs: 8 }, raised)).toMatchObject({
      maxEnvs: 8,
      maxSpaceElements: 2 ** 26,
    });
  });

  it("refuses unknown names (with suggestions) and values that are not positive integers", () => {
    expect(() => withLimits({ maxSpaceElement: 5 } as never)).toThrow(
      /limits\.maxSpaceElement: expected one of the limits .* \(did you mean "maxSpaceElements"\?\), found an unknown key/,
    );
    expect(() => withLimits({ maxEnvs: 0 })).toThrow(
      "limits.maxEnvs: expected a positive integer, found 0",
    );
    expect(() => withLimits({ maxEnvs: 1.5 })).toThrow("found 1.5");
    expect(() => withLimits({ maxEnvs: Number.NaN })).toThrow("found NaN");
  });

  it("parseLimits reads the CLI's JSON and names the source", () => {
    expect(parseLimits('{"maxEpisodes": 10}', "IRLKIT_LIMITS").maxEpisodes).toBe(10);
    expect(() => parseLimits("{maxEpisodes: 10}", "IRLKIT_LIMITS")).toThrow(
      /^IRLKIT_LIMITS: expected a JSON object of limits.*found invalid JSON/,
    );
    expect(() => parseLimits("[1]", "IRLKIT_LIMITS")).toThrow(
      "IRLKIT_LIMITS: expected an object of limits, found an array of length 1",
    );
    expect(() => parseLimits('{"maxEpisodes": "10"}', "IRLKIT_LIMITS")).toThrow(
      'IRLKIT_LIMITS.maxEpisodes: expected a positive integer, found "10"',
    );
  });

  it("checkLimit names the field, the limit and how to raise it", () => {
    checkLimit(defaultLimits, "maxEnvs", 4096, "numEnvs");
    const error = (() => {
      try {
        checkLimit(defaultLimits, "maxEnvs", 100_000_000, "numEnvs", { file: "config.yml" });
      } catch (caught) {
        return caught as ValidationError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error!.message).toBe(
      `config.yml: numEnvs: expected at most 4096 environments (the limit maxEnvs; raise it with withLimits({ maxEnvs }) or, in the CLI, IRLKIT_LIMITS='{"maxEnvs": …}'), found 100000000 environments`,
    );
    expect(() => checkLimit(defaultLimits, "maxArrayBytes", 3 * 2 ** 30, "x")).toThrow(
      "expected at most 1073741824 (1 GiB) bytes",
    );
  });

  it("shapeElements never wraps a huge product to a small one", () => {
    expect(shapeElements([30000, 30000])).toBe(900_000_000);
    expect(shapeElements([])).toBe(1);
    expect(shapeElements([2 ** 40, 2 ** 40, 2 ** 40]) > defaultLimits.maxSpaceElements).toBe(true);
  });
});

describe("declared space sizes", () => {
  it("spaceFromJson refuses a Box beyond maxSpaceElements before allocating its bounds", () => {
    expect(() =>
      spaceFromJson(
        { type: "Box", dtype: "float32", shape: [30000, 30000], low: -1, high: 1 },
        "observation_space",
      ),
    ).toThrow(
      /^observation_space\.shape \[30000, 30000\]: expected at most 4194304 numbers \(the limit maxSpaceElements.*found 900000000 numbers$/,
    );
    expect(() =>
      spaceFromJson({ type: "Box", shape: [300000000], low: "-inf", high: "inf" }),
    ).toThrow("space.shape [300000000]: expected at most 4194304 numbers");
    expect(() =>
      spaceFromJson({ type: "Box", shape: new Array(40).fill(1), low: 0, high: 1 }),
    ).toThrow("space.shape: expected at most 32 dimensions (the limit maxSpaceDimensions");
  });

  it("refuses huge Discrete and MultiDiscrete declarations", () => {
    expect(() => spaceFromJson({ type: "Discrete", n: 1e15 })).toThrow(
      "space.n: expected at most 16777216 choices (the limit maxDiscreteChoices",
    );
    expect(() => spaceFromJson({ type: "MultiDiscrete", nvec: [3, 2 ** 30] })).toThrow(
      "space.nvec[1]: expected at most 16777216 choices",
    );
  });

  it("accepts a large real observation and honours raised limits", () => {
    const image = spaceFromJson({ type: "Box", shape: [1024, 1024, 3], low: 0, high: 255 });
    expect(image.flatSize).toBe(3_145_728);
    const limits = withLimits({ maxSpaceElements: 8 });
    expect(() =>
      spaceFromJson({ type: "Box", shape: [3, 3], low: 0, high: 1 }, "space", limits),
    ).toThrow("found 9 numbers");
    expect(() => new Box({ shape: [3, 3], limits })).toThrow(
      "Box.shape [3, 3]: expected at most 8 numbers",
    );
    expect(new Box({ shape: [2, 4], limits }).flatSize).toBe(8);
  });

  it("a [30000, 30000] space is refused in bounded time and memory (child process)", async () => {
    const result = await runBounded(
      packageDirectory,
      'import { spaceFromJson } from "@irlkit/core";',
      `spaceFromJson({ type: "Box", dtype: "float32", shape: [30000, 30000], low: "-inf", high: "inf" });
       spaceFromJson({ type: "Box", dtype: "float32", shape: [300000000], low: 0, high: 1 });`,
    );
    expect(result.error?.message).toContain("expected at most 4194304 numbers");
    expect(result.peakMegabytes).toBeLessThan(500);
    expect(result.operationMilliseconds).toBeLessThan(5000);
    expect(result.milliseconds).toBeLessThan(20_000);
  });
});
