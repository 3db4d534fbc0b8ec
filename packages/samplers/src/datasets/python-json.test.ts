import { describe, expect, it } from "vitest";
import { formatPythonJson, PythonFloat, parsePythonJson, pythonFloatRepr } from "./python-json.js";

describe("pythonFloatRepr", () => {
  it.each([
    [1, "1.0"],
    [-0, "-0.0"],
    [0.1, "0.1"],
    [Math.fround(-4.8), "-4.800000190734863"],
    [Math.fround(0.41887903), "0.41887903213500977"],
    [3.4028234663852886e38, "3.4028234663852886e+38"],
    [1e16, "1e+16"],
    [1234567890123456, "1234567890123456.0"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [1.5e-7, "1.5e-07"],
    [123.456, "123.456"],
    [Number.POSITIVE_INFINITY, "Infinity"],
    [Number.NEGATIVE_INFINITY, "-Infinity"],
    [Number.NaN, "NaN"],
  ])("formats %s as Python does (%s)", (value, expected) => {
    expect(pythonFloatRepr(value)).toBe(expected);
  });
});

describe("formatPythonJson", () => {
  it("writes json.dumps' separators, ASCII escapes and bare non-finite tokens", () => {
    expect(
      formatPythonJson({
        a: 1,
        b: [new PythonFloat(2), Number.NEGATIVE_INFINITY],
        c: 'é\n"',
        d: null,
        e: true,
        skipped: undefined,
      }),
    ).toBe('{"a": 1, "b": [2.0, -Infinity], "c": "\\u00e9\\n\\"", "d": null, "e": true}');
  });

  it("round-trips through parsePythonJson", () => {
    const text = formatPythonJson({ low: [Number.NEGATIVE_INFINITY, -1.5], n: Number.NaN });
    const parsed = parsePythonJson(text) as { low: number[]; n: number };
    expect(parsed.low).toEqual([Number.NEGATIVE_INFINITY, -1.5]);
    expect(parsed.n).toBeNaN();
    expect(() => parsePythonJson('{"a": }')).toThrow(SyntaxError);
  });
});
