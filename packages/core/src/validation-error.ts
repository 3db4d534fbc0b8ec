/** Where a bad value came from: a file, an episode, a step — whatever helps a person find it. */
export interface ValidationContext {
  /** File the data was read from. */
  file?: string;
  /** Episode index or id inside the file. */
  episode?: number | string;
}

/**
 * A value that does not satisfy its contract. The message always states the field, what was
 * expected and what was found, prefixed with the file and episode when they are known:
 * `demos/data/main_data.hdf5, episode 3: actions[12]: expected an integer in [0, 2), found 2`.
 */
export class ValidationError extends Error {
  override readonly name = "ValidationError";
  readonly field: string;
  readonly expected: string;
  readonly found: string;
  readonly context: Readonly<ValidationContext>;

  constructor(field: string, expected: string, found: string, context: ValidationContext = {}) {
    super(`${formatContext(context)}${field}: expected ${expected}, found ${found}`);
    this.field = field;
    this.expected = expected;
    this.found = found;
    this.context = Object.freeze({ ...context });
  }

  /** The same error located in a file and/or episode (keeps field, expected, found). */
  withContext(context: ValidationContext): ValidationError {
    return new ValidationError(this.field, this.expected, this.found, {
      ...this.context,
      ...context,
    });
  }
}

function formatContext(context: ValidationContext): string {
  const parts: string[] = [];
  if (context.file !== undefined) parts.push(context.file);
  if (context.episode !== undefined) parts.push(`episode ${context.episode}`);
  return parts.length > 0 ? `${parts.join(", ")}: ` : "";
}

/** A short, bounded description of any value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "number") {
    return Number.isNaN(value) ? "NaN" : String(value);
  }
  if (typeof value === "string") {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  if (typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name;
    const length = (value as unknown as { length?: number }).length;
    return `${name}(${length ?? value.byteLength})`;
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "function") return "a function";
  return `an object with keys ${JSON.stringify(Object.keys(value as object).slice(0, 8))}`;
}
