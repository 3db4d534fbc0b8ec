/**
 * JSON as Python's `json` module writes and reads it. Python's `json.dumps` writes non-finite floats
 * as the bare tokens `Infinity`, `-Infinity` and `NaN` (which strict JSON forbids) and separates
 * with `", "` and `": "`; Minari's `metadata.json` and its space strings are written that way.
 * Reading uses JSON5, a maintained superset of JSON that accepts those tokens.
 */
import JSON5 from "json5";

/** A number Python must see as a float (`1.0`, not `1`) when written with `formatPythonJson`. */
export class PythonFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

/** Values `formatPythonJson` can write. */
export type PythonJsonValue =
  | null
  | boolean
  | number
  | string
  | PythonFloat
  | readonly PythonJsonValue[]
  | { readonly [key: string]: PythonJsonValue | undefined };

/**
 * `json.dumps(value)` with Python's defaults: `", "` / `": "` separators, ASCII-only strings
 * (`\uXXXX` escapes), `Infinity`/`NaN` tokens, floats in Python's `repr`. Plain numbers are written
 * as integers when they are integral and as floats otherwise; wrap a value in `PythonFloat` to force
 * a float. Keys whose value is `undefined` are left out.
 */
export function formatPythonJson(value: PythonJsonValue): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  }
  if (value instanceof PythonFloat) return pythonFloatRepr(value.value);
  if (typeof value === "string") return pythonString(value);
  if (Array.isArray(value)) {
    return `[${(value as readonly PythonJsonValue[]).map(formatPythonJson).join(", ")}]`;
  }
  const entries = Object.entries(value as Record<string, PythonJsonValue | undefined>).filter(
    (entry): entry is [string, PythonJsonValue] => entry[1] !== undefined,
  );
  return `{${entries.map(([key, item]) => `${pythonString(key)}: ${formatPythonJson(item)}`).join(", ")}}`;
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip, positional for exponents in
 * [-4, 16), scientific (`1e-05`, `1e+16`) otherwise, always with a `.0` on integral values.
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "Infinity";
  if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  // toExponential() without an argument gives the shortest round-trip digits, like Python's repr.
  const [mantissa, exponentText] = value.toExponential().split("e") as [string, string];
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  if (exponent < -4 || exponent >= 16) {
    const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const exponentSign = exponent < 0 ? "-" : "+";
    return `${sign}${head}e${exponentSign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const integerDigits = exponent + 1;
  if (digits.length <= integerDigits) return `${sign}${digits.padEnd(integerDigits, "0")}.0`;
  return `${sign}${digits.slice(0, integerDigits)}.${digits.slice(integerDigits)}`;
}

/**
 * Parses JSON that may contain Python's `Infinity`, `-Infinity` and `NaN` tokens. Throws JSON5's
 * `SyntaxError` (with line and column) on anything else that is not JSON.
 */
export function parsePythonJson(text: string): unknown {
  return JSON5.parse(text);
}

function pythonString(text: string): string {
  // JSON.stringify escapes quotes, backslashes and control characters as Python does; Python's
  // ensure_ascii then writes every non-ASCII UTF-16 unit as \uXXXX.
  return JSON.stringify(text).replace(
    /[\u007f-\uffff]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
