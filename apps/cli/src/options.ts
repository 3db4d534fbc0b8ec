/** Parsing of command-line values with messages that name the flag. */
import { CliError } from "./errors.js";

/**
 * A flag's value as a decimal integer ≥ `minimum`: digits only (`0x10`, `1e3`, `+5`, ` 7`, `1.0`
 * are refused, not reinterpreted), at most `Number.MAX_SAFE_INTEGER`.
 * @throws CliError naming the flag, what it takes and what was found.
 */
export function parseInteger(value: string | undefined, flag: string, minimum = 0): number {
  const parsed = typeof value === "string" && /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < minimum) {
    throw new CliError(
      `${flag} must be a decimal integer ≥ ${minimum} (digits only, at most ${Number.MAX_SAFE_INTEGER}); found ${JSON.stringify(value ?? null)}.`,
    );
  }
  return parsed;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  const line = (row: readonly string[]) =>
    row
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join("  ")
      .trimEnd();
  const [header, ...body] = rows;
  if (header === undefined) return "";
  const rule = widths.map((width) => "─".repeat(width)).join("  ");
  return [line(header), rule, ...body.map(line)].join("\n");
}
