/**
 * JSON with typed arrays: checkpoints hold float parameters, Adam moments and action histories.
 * Typed arrays become `{ "$typed": "Float32Array", "base64": "…" }` so they round-trip bit for bit
 * (decimal text would not).
 */
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

export function decodeTyped<T>(value: unknown): T {
  return decode(value) as T;
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record.$number === "string") return Number(record.$number);
    if (typeof record.$typed === "string" && typeof record.base64 === "string") {
      const Constructor = TYPED_ARRAYS[record.$typed as TypedArrayName];
      const bytes = Buffer.from(record.base64, "base64");
      const copy = new Uint8Array(bytes.byteLength);
      copy.set(bytes);
      return new Constructor(copy.buffer);
    }
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(record)) out[key] = decode(entry);
    return out;
  }
  return value;
}
