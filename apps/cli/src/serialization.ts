/**
 * JSON with typed arrays: checkpoints hold float parameters, Adam moments and action histories.
 * Typed arrays become `{ "$typed": "Float32Array", "base64": "…" }` so they round-trip bit for bit
 * (decimal text would not).
 */
import { ValidationError } from "@irlkit/core";

const TYPED_ARRAYS = {
  Float32Array,
  Float64Array,
  Int32Array,
  Uint8Array,
  Uint32Array,
  Int8Array,
} as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;

export function encodeTyped(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const name = value.constructor.name as TypedArrayName;
    if (name in TYPED_ARRAYS) {
      return {
        $typed: name,
        base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64"),
      };
    }
  }
  if (typeof value === "number" && !Number.isFinite(value)) return { $number: String(value) };
  if (Array.isArray(value)) return value.map(encodeTyped);
  if (typeof value === "object" && value !== null) {
    if ("toJSON" in value && typeof value.toJSON === "function") return encodeTyped(value.toJSON());
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) {
      if (entry !== undefined) out[key] = encodeTyped(entry);
    }
    return out;
  }
  return value;
}

/** Deeper nesting than any checkpoint or model irlkit writes (a few levels) is refused. */
export const MAX_TYPED_JSON_DEPTH = 64;

/**
 * Reverses `encodeTyped`. `field` names the value in messages (`checkpoint`, `table`, …).
 * @throws ValidationError for an unknown `$typed` name, a byte count that is not a multiple of
 * the element size, a `$number` that is not a number's text, or nesting deeper than
 * `MAX_TYPED_JSON_DEPTH`.
 */
export function decodeTyped<T>(value: unknown, field = "document"): T {
  return decode(value, field, 0) as T;
}

function decode(value: unknown, field: string, depth: number): unknown {
  if (depth > MAX_TYPED_JSON_DEPTH) {
    throw new ValidationError(
      field,
      `at most ${MAX_TYPED_JSON_DEPTH} levels of nesting`,
      "deeper nesting",
    );
  }
  if (Array.isArray(value)) {
    return value.map((entry, index) => decode(entry, `${field}[${index}]`, depth + 1));
  }
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record.$number === "string") {
      if (!["NaN", "Infinity", "-Infinity"].includes(record.$number)) {
        throw new ValidationError(
          `${field}.$number`,
          '"NaN", "Infinity" or "-Infinity"',
          JSON.stringify(record.$number),
        );
      }
      return Number(record.$number);
    }
    if (typeof record.$typed === "string" && typeof record.base64 === "string") {
      const name = record.$typed;
      if (!Object.hasOwn(TYPED_ARRAYS, name)) {
        throw new ValidationError(
          `${field}.$typed`,
          `one of ${Object.keys(TYPED_ARRAYS).join(", ")}`,
          JSON.stringify(name),
        );
      }
      const Constructor = TYPED_ARRAYS[name as TypedArrayName];
      const bytes = Buffer.from(record.base64, "base64");
      if (bytes.byteLength % Constructor.BYTES_PER_ELEMENT !== 0) {
        throw new ValidationError(
          `${field}.base64`,
          `a multiple of ${Constructor.BYTES_PER_ELEMENT} bytes (${name} elements)`,
          `${bytes.byteLength} bytes`,
        );
      }
      const copy = new Uint8Array(bytes.byteLength);
      copy.set(bytes);
      return new Constructor(copy.buffer);
    }
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(record)) {
      // defineProperty: a "__proto__" key stays a plain key, never the object's prototype.
      Object.defineProperty(out, key, {
        value: decode(entry, `${field}.${key}`, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}
