import { describe, expect, it } from "vitest";
import { Rng } from "./rng.js";
import { Box, Discrete, MultiDiscrete, spaceFromJson } from "./spaces.js";

describe("Box", () => {
  const box = new Box({ shape: [2], low: [-1, 0], high: [1, 5] });

  it("checks membership with float32 bounds", () => {
    expect(box.contains(Float32Array.of(0.5, 5))).toBe(true);
    expect(box.contains([1, 0])).toBe(true);
    expect(box.contains(Float32Array.of(1.5, 1))).toBe(false);
    expect(box.contains([0, 0, 0])).toBe(false);
    expect(box.contains("x")).toBe(false);
    expect(box.contains([Number.NaN, 0])).toBe(false);
    // 0.1 rounds to the same float32 as the bound, so it is inside a float32 box [0, 0.1].
    expect(new Box({ shape: [1], low: 0, high: 0.1 }).contains([Math.fround(0.1)])).toBe(true);
  });

  it("samples like Gymnasium: uniform in a bounded box, normal / exponential when unbounded", () => {
    const rng = new Rng(0);
    for (let i = 0; i < 1000; i++) expect(box.contains(box.sample(rng))).toBe(true);
    const halfOpen = new Box({ shape: [1], low: 2 });
    const draws = Array.from({ length: 20_000 }, () => halfOpen.sample(rng)[0]!);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(2);
    // low + Exp(1) has mean low + 1.
    expect(Math.abs(draws.reduce((a, b) => a + b, 0) / draws.length - 3)).toBeLessThan(0.03);
    const open = new Box({ shape: [1] });
    const normals = Array.from({ length: 20_000 }, () => open.sample(rng)[0]!);
    expect(Math.abs(normals.reduce((a, b) => a + b, 0) / normals.length)).toBeLessThan(0.03);
    const upper = new Box({ shape: [1], high: -1 });
    expect(upper.sample(rng)[0]!).toBeLessThanOrEqual(-1);
    expect(new Box({ shape: [1], dtype: "float64" }).sample(rng)).toBeInstanceOf(Float64Array);
  });

  it("round-trips Minari's JSON, nested for 2-D shapes", () => {
    const json = box.toJSON();
    expect(json).toEqual({ type: "Box", dtype: "float32", shape: [2], low: [-1, 0], high: [1, 5] });
    expect(spaceFromJson(json).equals(box)).toBe(true);
    const grid = new Box({ shape: [2, 2], low: [0, 1, 2, 3], high: 10 });
    expect(grid.toJSON().low).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(spaceFromJson(JSON.parse(JSON.stringify(grid.toJSON()))).equals(grid)).toBe(true);
    const unbounded = spaceFromJson({
      type: "Box",
      dtype: "float32",
      shape: [2],
      low: ["-inf", -1],
      high: "inf",
    });
    expect(unbounded.kind).toBe("Box");
    expect((unbounded as Box).low[0]).toBe(Number.NEGATIVE_INFINITY);
    expect((unbounded as Box).high[1]).toBe(Number.POSITIVE_INFINITY);
    // Infinite bounds are written as strings, so a JSON round trip keeps them.
    expect(unbounded.toJSON()).toMatchObject({
      low: ["-inf", -1],
      high: ["inf", "inf"],
    });
    expect(spaceFromJson(JSON.parse(JSON.stringify(unbounded.toJSON()))).equals(unbounded)).toBe(
      true,
    );
    expect(box.equals(new Discrete(2))).toBe(false);
  });

  it("rejects bad construction and bad JSON with field, expected and found", () => {
    expect(() => new Box({ shape: [0] })).toThrow(
      "Box.shape: expected an array of positive integers, found an array of length 1 [0]",
    );
    expect(() => new Box({ shape: [2], low: [0, 0, 0] })).toThrow(
      "Box.low: expected a number or 2 numbers, found an array of length 3",
    );
    expect(() => new Box({ shape: [1], low: 1, high: 0 })).toThrow(
      "Box.low[0]: expected a value <= high[0] = 0, found 1",
    );
    expect(() => new Box({ shape: [1], low: Number.NaN })).toThrow(
      "Box.low: expected a number or ±Infinity, found NaN",
    );
    expect(() => new Box({ shape: [1], dtype: "int8" as "float32" })).toThrow(
      'Box.dtype: expected "float32" or "float64", found "int8"',
    );
    expect(() => spaceFromJson({ type: "Box", shape: [2], low: [0], high: [1, 1] })).toThrow(
      "space.low: expected 2 numbers (the product of the shape), found 1",
    );
    expect(() => spaceFromJson({ type: "Box", shape: [2], low: ["x", 0], high: 1 })).toThrow(
      'space.low: expected numbers or "inf"/"-inf", found "x"',
    );
    expect(() =>
      spaceFromJson({ type: "Box", shape: "2", low: 0, high: 1 }, "observation_space"),
    ).toThrow('observation_space.shape: expected an array of positive integers, found "2"');
    expect(() =>
      spaceFromJson({ type: "Box", dtype: "uint8", shape: [1], low: 0, high: 1 }),
    ).toThrow('space.dtype: expected "float32" or "float64", found "uint8"');
    expect(() => spaceFromJson({ type: "Box", shape: [1], low: {}, high: 1 })).toThrow(
      "space.low: expected a number or a list of 1 numbers, found an object",
    );
  });

  it("explains why a value is outside", () => {
    expect(() => box.check([2, 0], "action")).toThrow(
      "action: expected a float32 array of shape [2] within [[-1, 0], [1, 5]], found 2 at index 0, outside [-1, 1]",
    );
    expect(() => box.check([0], "action")).toThrow("found 1 numbers (an array of length 1)");
  });
});

describe("Discrete", () => {
  const space = new Discrete(3, 1);

  it("contains integers in [start, start + n) and samples them uniformly", () => {
    expect([0, 1, 2, 3, 4, 1.5, "1"].map((x) => space.contains(x))).toEqual([
      false,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(space.contains(2n)).toBe(true);
    const rng = new Rng(4);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[space.sample(rng) - 1]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });

  it("round-trips Minari's JSON", () => {
    expect(space.toJSON()).toEqual({ type: "Discrete", dtype: "int64", start: 1, n: 3 });
    expect(spaceFromJson(space.toJSON()).equals(space)).toBe(true);
    expect(spaceFromJson({ type: "Discrete", n: 4 }).equals(new Discrete(4))).toBe(true);
  });

  it("rejects bad arguments", () => {
    expect(() => new Discrete(0)).toThrow("Discrete.n: expected a positive integer, found 0");
    expect(() => new Discrete(2, 0.5)).toThrow("Discrete.start: expected an integer, found 0.5");
    expect(() => spaceFromJson({ type: "Discrete", n: "4" })).toThrow(
      'space.n: expected a positive integer, found "4"',
    );
    expect(() => spaceFromJson({ type: "Discrete", n: 4, start: null })).toThrow(
      "space.start: expected an integer, found null",
    );
    expect(() => space.check(4, "action")).toThrow(
      "action: expected an integer in [1, 4), found 4",
    );
  });
});

describe("MultiDiscrete", () => {
  const space = new MultiDiscrete([3, 2]);

  it("contains, samples and round-trips", () => {
    expect(space.contains([2, 1])).toBe(true);
    expect(space.contains([3, 0])).toBe(false);
    expect(space.contains([1])).toBe(false);
    const rng = new Rng(2);
    for (let i = 0; i < 100; i++) expect(space.contains(space.sample(rng))).toBe(true);
    expect(space.toJSON()).toEqual({
      type: "MultiDiscrete",
      dtype: "int64",
      nvec: [3, 2],
      start: [0, 0],
    });
    expect(spaceFromJson(space.toJSON()).equals(space)).toBe(true);
  });

  it("rejects bad arguments", () => {
    expect(() => new MultiDiscrete([])).toThrow(
      "MultiDiscrete.nvec: expected a non-empty array of positive integers",
    );
    expect(() => new MultiDiscrete([2, 0])).toThrow(
      "MultiDiscrete.nvec[1]: expected a positive integer, found 0",
    );
    expect(() => new MultiDiscrete([2, 2], [0])).toThrow(
      "MultiDiscrete.start: expected 2 integers (one per nvec entry), found 1",
    );
    expect(() => spaceFromJson({ type: "MultiDiscrete", nvec: 3 })).toThrow(
      "space.nvec: expected an array of positive integers, found 3",
    );
    expect(() => spaceFromJson({ type: "MultiDiscrete", nvec: [3], start: 0 })).toThrow(
      "space.start: expected an array of integers, found 0",
    );
    expect(() => space.check([0, 2], "action")).toThrow(
      "action: expected 2 integers with counts [3, 2], found 2 at index 1, outside [0, 2)",
    );
  });
});

describe("spaceFromJson", () => {
  it("rejects what is not a space", () => {
    expect(() => spaceFromJson(null)).toThrow(
      'space: expected a space object with a "type" key, found null',
    );
    expect(() => spaceFromJson([1])).toThrow("found an array of length 1");
    expect(() => spaceFromJson({ type: "Tuple" }, "action_space")).toThrow(
      'action_space.type: expected "Box", "Discrete" or "MultiDiscrete", found "Tuple"',
    );
  });
});

describe("Box.equals and Gymnasium < 1.0's float32-max bounds", () => {
  // Gymnasium 0.26–0.29's CartPole-v1 declares its velocities unbounded as ±np.finfo(np.float32).max;
  // Gymnasium 1.x and irlkit declare them ±inf.
  const floatMax = 3.4028234663852886e38;
  const cartPoleLow = [-4.8, Number.NEGATIVE_INFINITY, -0.41887903, Number.NEGATIVE_INFINITY];
  const cartPoleHigh = [4.8, Number.POSITIVE_INFINITY, 0.41887903, Number.POSITIVE_INFINITY];
  const cartPole = new Box({ shape: [4], low: cartPoleLow, high: cartPoleHigh });
  const gymnasium029 = new Box({
    shape: [4],
    low: [-4.8, -floatMax, -0.41887903, -floatMax],
    high: [4.8, floatMax, 0.41887903, floatMax],
  });

  it("treats ±FLT_MAX as ±inf in float32 boxes, both ways round", () => {
    expect(Math.fround(3.4028235e38)).toBe(floatMax);
    expect(gymnasium029.high[1]).toBe(floatMax);
    expect(gymnasium029.equals(cartPole)).toBe(true);
    expect(cartPole.equals(gymnasium029)).toBe(true);
    // Minari's JSON of Gymnasium 0.29's space (numpy's float32 max printed by Python's json).
    const fromJson = spaceFromJson({
      type: "Box",
      dtype: "float32",
      shape: [4],
      low: [
        -4.800000190734863, -3.4028234663852886e38, -0.41887903213500977, -3.4028234663852886e38,
      ],
      high: [4.800000190734863, 3.4028234663852886e38, 0.41887903213500977, 3.4028234663852886e38],
    });
    expect(fromJson.equals(cartPole)).toBe(true);
    // The rule is per bound and sign-preserving: +FLT_MAX is not −inf.
    const flipped = new Box({ shape: [1], low: -floatMax, high: floatMax });
    expect(flipped.equals(new Box({ shape: [1] }))).toBe(true);
    expect(flipped.equals(new Box({ shape: [1], low: floatMax, high: floatMax }))).toBe(false);
    expect(
      new Box({ shape: [1], low: floatMax, high: floatMax }).equals(
        new Box({ shape: [1], low: Number.POSITIVE_INFINITY, high: Number.POSITIVE_INFINITY }),
      ),
    ).toBe(true);
  });

  it("keeps every other bound exact", () => {
    // float64 boxes: FLT_MAX is an ordinary finite bound, far below float64's range.
    const wide = (bound: number) =>
      new Box({ shape: [1], low: -bound, high: bound, dtype: "float64" });
    expect(wide(floatMax).equals(wide(Number.POSITIVE_INFINITY))).toBe(false);
    expect(wide(Number.POSITIVE_INFINITY).equals(wide(floatMax))).toBe(false);
    expect(wide(floatMax).equals(wide(floatMax))).toBe(true);
    // The float32 just below FLT_MAX (one ulp, 2^104 less) bounds fewer values than inf.
    const belowMax = floatMax - 2 ** 104;
    expect(Math.fround(belowMax)).toBe(belowMax);
    const near = new Box({ shape: [1], low: -belowMax, high: belowMax });
    expect(near.equals(new Box({ shape: [1] }))).toBe(false);
    expect(near.equals(new Box({ shape: [1], low: -floatMax, high: floatMax }))).toBe(false);
    // 1e38 is not a stand-in for infinity either, nor is FLT_MAX for another finite bound.
    expect(new Box({ shape: [1], high: 1e38 }).equals(new Box({ shape: [1] }))).toBe(false);
    expect(
      new Box({ shape: [1], high: floatMax }).equals(new Box({ shape: [1], high: 1e38 })),
    ).toBe(false);
    // The dtype still has to match: a float64 ±inf box is not a float32 ±FLT_MAX box.
    expect(
      gymnasium029.equals(
        new Box({ shape: [4], low: cartPoleLow, high: cartPoleHigh, dtype: "float64" }),
      ),
    ).toBe(false);
    // Finite bounds are compared exactly, as before.
    expect(
      cartPole.equals(
        new Box({ shape: [4], low: cartPoleLow, high: [4.9, ...cartPoleHigh.slice(1)] }),
      ),
    ).toBe(false);
  });

  it("leaves Discrete and MultiDiscrete equality unchanged", () => {
    expect(new Discrete(2).equals(new Discrete(2))).toBe(true);
    expect(new Discrete(2).equals(new Discrete(2, 1))).toBe(false);
    expect(new Discrete(2).equals(new Discrete(3))).toBe(false);
    expect(new Discrete(2).equals(new Box({ shape: [1], low: 0, high: 1 }))).toBe(false);
    expect(new MultiDiscrete([3, 2]).equals(new MultiDiscrete([3, 2], [0, 1]))).toBe(false);
  });

  it("reads numpy's spellings of the Box dtypes", () => {
    for (const [spelling, dtype] of [
      ["float32", "float32"],
      ["<f4", "float32"],
      ["f4", "float32"],
      ["=f4", "float32"],
      ["float64", "float64"],
      ["<f8", "float64"],
      ["f8", "float64"],
      ["=f8", "float64"],
    ] as const) {
      const space = spaceFromJson({ type: "Box", dtype: spelling, shape: [1], low: 0, high: 1 });
      expect((space as Box).dtype).toBe(dtype);
    }
    expect(() =>
      spaceFromJson({ type: "Box", dtype: ["float32"], shape: [1], low: 0, high: 1 }),
    ).toThrow('space.dtype: expected "float32" or "float64", found an array of length 1');
    expect(() => spaceFromJson({ type: "Box", dtype: ">f4", shape: [1], low: 0, high: 1 })).toThrow(
      'space.dtype: expected "float32" or "float64", found ">f4"',
    );
  });
});
