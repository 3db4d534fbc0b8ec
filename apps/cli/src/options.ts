/** Parsing of command-line values with messages that name the flag. */
import { CliError } from "./errors.js";

export function parseInteger(value: string | undefined, flag: string, minimum = 0): number {
  const parsed = Number(value);
  if (
    value === undefined ||
    value.trim() === "" ||
    !Number.isSafeInteger(parsed) ||
    parsed < minimum
  ) {
    throw new CliError(
      `${flag} must be an integer ≥ ${minimum}; found ${JSON.stringify(value ?? null)}.`,
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
