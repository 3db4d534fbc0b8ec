import { describe, expect, it } from "vitest";
import { Box } from "./spaces.js";

describe("Box messages for values that are not arrays", () => {
  const oneValue = new Box({ low: -2, high: 2, shape: [1] });
  const threeValues = new Box({ low: -1, high: 1, shape: [3] });

  it("names a bare number and says how to pass a one-value action", () => {
    expect(() => oneValue.check(0.3, "action")).toThrow(
      "action: expected a float32 array of shape [1] within [-2, 2], found the number 0.3 (a Box element is an array even with one value: pass [0.3] or Float32Array.of(0.3))",
    );
    expect(() => threeValues.check(0.3, "action")).toThrow(
      "action: expected a float32 array of shape [3] within [-1, 1], found the number 0.3",
    );
  });

  it("names strings and other values as they are", () => {
    expect(oneValue.explain("a")).toBe('the string "a"');
    expect(oneValue.explain(undefined)).toBe("undefined");
    expect(oneValue.explain({ x: 1 })).toBe('an object with keys ["x"]');
    expect(oneValue.explain([0.3])).toBeUndefined();
  });
});
